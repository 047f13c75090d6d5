package io.ktstr4j.schemas.event;

/** Why a VM stopped. */
public enum ExitReason {
    /** The guest rebooted (how a finished test VM ends: i8042 reset or reboot=k). */
    REBOOT,
    /** The guest powered off. */
    SHUTDOWN,
    /** The guest kernel panicked. */
    PANIC,
    /** The host watchdog killed the VM. */
    WATCHDOG_TIMEOUT,
    /** The subscriber cancelled the run. */
    CANCELLED,
    /** The VMM failed (KVM error, backend process died, …). */
    ERROR
}
