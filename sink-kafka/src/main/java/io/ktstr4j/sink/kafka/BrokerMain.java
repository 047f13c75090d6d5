package io.ktstr4j.sink.kafka;

import java.io.IOException;
import java.io.InputStream;

/**
 * Main class of the embedded broker's child JVM: a watchdog, then {@code kafka.Kafka}. The parent keeps the child's
 * stdin open and never writes to it; when the parent dies, for any reason, the pipe closes, this thread reads EOF and
 * exits the JVM (Kafka's shutdown hook then stops the broker cleanly). So no broker outlives its parent.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(() -> {
            InputStream in = System.in;
            try {
                while (in.read() >= 0) {
                    // The parent never writes; anything read is ignored.
                }
            } catch (IOException ignored) {
                // A broken pipe means the same as EOF.
            }
            System.err.println("ktstr4j broker: parent process gone (stdin closed); shutting down");
            System.exit(0);
        }, "ktstr4j-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        if (args.length > 0 && args[0].equals("--format")) {
            String[] rest = new String[args.length - 1];
            System.arraycopy(args, 1, rest, 0, rest.length);
            Class.forName("kafka.tools.StorageTool").getMethod("main", String[].class).invoke(null, (Object) rest);
            return;
        }
        Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) args);
    }
}
