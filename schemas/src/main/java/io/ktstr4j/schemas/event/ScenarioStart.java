package io.ktstr4j.schemas.event;

/** The step executor started (SCST message). */
public record ScenarioStart() implements GuestMessage {}
