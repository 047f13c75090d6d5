package io.ktstr4j.schemas.event;

/** A message from the guest agent over the SHM ring or COM2 (the {@code guest.*} events). */
public sealed interface GuestMessage extends EventBody permits InitStage, ScenarioStart, Stimulus, ScenarioEnd,
        TestResult, WorkerReports, GuestExit, SchedExit, GuestCrash, PayloadMetricsReport, ChannelError {}
