package io.ktstr4j.cli;

import io.ktstr4j.sink.kafka.consumer.StreamsApp;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The foreground of a command that runs a Kafka Streams consumer until Ctrl-C or SIGTERM ({@code stats watch},
 * {@code host-state diff-watch}): the counters every {@code reportSeconds} while they change; on a signal, a hook that
 * commits, leaves the group and prints the last counters (exit 0); if the consumer stops by itself, why (exit 2).
 */
final class StreamsCommandLoop {
    private StreamsCommandLoop() {
    }

    /**
     * @param name     the command, as messages name it ({@code stats watch})
     * @param counters the counters line, starting with the command's name
     */
    static int run(String name, StreamsApp app, Supplier<String> counters, int reportSeconds, PrintStream err)
            throws InterruptedException {
        AtomicBoolean signalled = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            signalled.set(true);
            app.close();
            err.println(name + ": stopped: " + counters.get());
            err.flush();
        }, "ktstr4j-" + name.replace(' ', '-') + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        String last = "";
        Duration interval = Duration.ofSeconds(reportSeconds > 0 ? reportSeconds : 3600);
        while (!app.awaitStopped(interval)) {
            String line = counters.get();
            if (reportSeconds > 0 && !line.equals(last)) {
                err.println(line);
                last = line;
            }
        }
        if (signalled.get()) {
            return ExitCodes.OK; // the hook closes and prints
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return ExitCodes.OK;
        }
        app.close();
        Throwable f = app.failure();
        err.println("ktstr4j " + name + ": the consumer stopped: " + (f == null ? "it left the RUNNING state"
                : Main.message(f)) + "; " + counters.get());
        return ExitCodes.USAGE_OR_INFRA;
    }
}
