package io.ktstr4j.schemas.event;

/** The scheduler process died (SCDX message); the host ends the VM early. */
public record SchedExit(int code) implements GuestMessage {}
