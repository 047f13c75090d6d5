package io.ktstr4j.schemas.event;

/** The step executor finished (SCEN message). */
public record ScenarioEnd(long elapsedMs) implements GuestMessage {}
