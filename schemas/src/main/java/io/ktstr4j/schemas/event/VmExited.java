package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;

/**
 * The VM stopped; always the last VmEvent of a VM.
 *
 * @param reason     why
 * @param exitCode   the guest's exit code when it reported one (EXIT message or {@code KTSTR_EXIT=N}), else null
 * @param durationNs time from creation to exit
 * @param detail     human-readable detail (error text, panic line), may be null
 */
public record VmExited(ExitReason reason, Integer exitCode, long durationNs, String detail) implements VmEvent {
    public VmExited {
        Validate.required("reason", reason);
    }
}
