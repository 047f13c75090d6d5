package io.ktstr4j.vmm.console;

import io.ktstr4j.schemas.event.ConsoleLine;

/**
 * What a VM backend learns from its guest's console lines for the VmExited it emits: the first kernel panic line
 * (COM1, where the kernel console is) and the last {@code KTSTR_EXIT=N} code (either port). Thread-safe: each serial
 * port feeds it from its own thread.
 */
public final class GuestConsole {
    private volatile String panicLine;
    private volatile Integer exitCode;

    /** Looks at one console line of {@code port} ({@link ConsoleLine#COM1} or {@link ConsoleLine#COM2}). */
    public void observe(String port, String line) {
        if (panicLine == null && ConsoleLine.COM1.equals(port) && ConsoleMarkers.isPanic(line)) {
            panicLine = line.strip();
        }
        Integer code = ConsoleMarkers.exitCode(line);
        if (code != null) {
            exitCode = code;
        }
    }

    /** The first panic line, stripped, or null. */
    public String panicLine() {
        return panicLine;
    }

    /** The last exit code the guest printed, or null. */
    public Integer exitCode() {
        return exitCode;
    }
}
