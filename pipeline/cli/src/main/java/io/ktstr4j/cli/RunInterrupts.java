package io.ktstr4j.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM while {@code ktstr4j run} runs: the first cancels the gauntlet cleanly (every VM stopped, the
 * finished results kept and published, the run's end reported), the second exits at once. Installed for the run only;
 * the JVM's own handling (shutdown hooks) is back afterwards.
 */
final class RunInterrupts implements AutoCloseable {

    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile Signal first;

    private RunInterrupts() {
    }

    /**
     * Handles both signals: the first calls {@code cancel} (on a thread of its own) with the reason, the second halts
     * the JVM with 128 + the signal's number, as a shell reports a killed process.
     */
    static RunInterrupts install(Consumer<String> cancel, PrintStream err) {
        RunInterrupts r = new RunInterrupts();
        SignalHandler h = sig -> {
            if (r.count.incrementAndGet() == 1) {
                r.first = sig;
                err.println("  interrupted (SIG" + sig.getName() + "): stopping every VM; the finished results are "
                        + "kept (again to exit at once)");
                Thread t = new Thread(() -> cancel.accept("Cancelled: interrupted by SIG" + sig.getName()),
                        "ktstr4j-cancel");
                t.setDaemon(true);
                t.start();
            } else {
                err.println("  interrupted again: exiting now");
                err.flush();
                Runtime.getRuntime().halt(128 + sig.getNumber());
            }
        };
        for (String name : SIGNALS) {
            try {
                Signal s = new Signal(name);
                r.previous.add(Signal.handle(s, h));
                r.installed.add(s);
            } catch (IllegalArgumentException e) {
                // the JVM keeps this one (-Xrs, or a debugger's): its default stays
            }
        }
        return r;
    }

    /** True once a signal came. */
    boolean interrupted() {
        return first != null;
    }

    /** 128 + the first signal's number (130 for SIGINT, 143 for SIGTERM); 0 when none came. */
    int exitCode() {
        Signal s = first;
        return s == null ? 0 : 128 + s.getNumber();
    }

    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
    }
}
