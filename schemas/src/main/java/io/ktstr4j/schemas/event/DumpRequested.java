package io.ktstr4j.schemas.event;

/** The monitor asked the guest for a sched_ext dump (SysRq-D) because of a sustained violation. */
public record DumpRequested(String reason) implements EventBody {}
