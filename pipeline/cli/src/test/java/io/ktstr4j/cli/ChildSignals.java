package io.ktstr4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ctrl-C for a CLI started as a child process. A child of a background job started without job control (a CI
 * runner's `cmd &`) inherits SIGINT ignored, and the JVM keeps it so: then SIGTERM, which takes the same path in the
 * CLI, stands in for it.
 */
record ChildSignals(String name, int exitCode) {

    static final ChildSignals SIGINT = new ChildSignals("INT", 130);
    static final ChildSignals SIGTERM = new ChildSignals("TERM", 143);

    /** SIGINT when the child can receive it, else SIGTERM. */
    static ChildSignals interruptFor(Process p) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            if (l.startsWith("SigIgn:")) {
                long ignored = Long.parseUnsignedLong(l.substring(7).trim(), 16);
                return (ignored & (1L << (2 - 1))) != 0 ? SIGTERM : SIGINT;
            }
        }
        return SIGINT;
    }

    void send(Process p) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor();
    }

    /** How the CLI names it: {@code SIGINT}. */
    String label() {
        return "SIG" + name;
    }
}
