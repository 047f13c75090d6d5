package io.ktstr4j.sink.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, combined broker+controller) in a child JVM, from the kafka_2.13 jars, bound
 * to 127.0.0.1 only. {@link #start(Path)} formats the data directory on first use and returns the bootstrap address
 * once the broker answers; {@link #stop()} stops it (keeping its data, for a later {@link #restart()} on the same
 * ports); {@link #close()} stops it for good. The child dies with this JVM: see {@link BrokerMain}, and a shutdown hook.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final List<String> jvmOptions;
    private Path dataDir;
    private int port;
    private int controllerPort;
    private Process process;
    private OutputStream watchdogPipe;
    private Thread shutdownHook;

    public EmbeddedKafka() {
        this(List.of("-Xmx512m", "-Xms64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
    }

    public EmbeddedKafka(List<String> jvmOptions) {
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Starts the broker with its data (and {@code broker.log}) in {@code dataDir}; returns the bootstrap address. */
    public synchronized String start(Path dataDir) {
        return start(dataDir, 0);
    }

    /** Like {@link #start(Path)} with the client port fixed ({@code 0}: any free port); refuses a port in use. */
    public synchronized String start(Path dataDir, int clientPort) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("embedded Kafka already running at " + bootstrap());
        }
        if (clientPort < 0 || clientPort > 65535) {
            throw new IllegalArgumentException("Kafka port must be in 0..65535, got " + clientPort);
        }
        if (clientPort != 0) {
            try (ServerSocket s = new ServerSocket(clientPort, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the embedded Kafka broker on 127.0.0.1:" + clientPort
                        + ": the port is in use (another broker?); choose another with --port, or 0 for any", e);
            }
        }
        this.dataDir = dataDir.toAbsolutePath();
        this.port = clientPort != 0 ? clientPort : freePort();
        this.controllerPort = freePort();
        return launch();
    }

    /** Starts the broker again after {@link #stop()}: same data directory, same ports. */
    public synchronized String restart() {
        if (dataDir == null) {
            throw new IllegalStateException("restart() before start()");
        }
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("embedded Kafka still running at " + bootstrap());
        }
        return launch();
    }

    public synchronized String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The child's pid, for tools that want to watch it; -1 when not running. */
    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 15 s); its data stays for {@link #restart()}. */
    public synchronized void stop() {
        stop(false);
    }

    /** Kills the broker at once (SIGKILL), like a crash. */
    public synchronized void kill() {
        stop(true);
    }

    private void stop(boolean hard) {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        if (hard) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        closeQuietly(watchdogPipe);
        watchdogPipe = null;
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // Already shutting down.
            }
            shutdownHook = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private String launch() {
        try {
            Files.createDirectories(dataDir);
            Path logDirs = dataDir.resolve("kraft-logs");
            Path props = dataDir.resolve("server.properties");
            Files.writeString(props, serverProperties(logDirs), StandardCharsets.UTF_8);
            String cp = BrokerClasspath.resolve();
            Path brokerLog = dataDir.resolve("broker.log");
            if (!Files.exists(logDirs.resolve("meta.properties"))) {
                List<String> format = new ArrayList<>(command(cp));
                format.addAll(List.of("--format", "format", "-t", Uuid.randomUuid().toString(), "-c", props.toString()));
                Process f = new ProcessBuilder(format).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(brokerLog.toFile())).start();
                if (!f.waitFor(60, TimeUnit.SECONDS) || f.exitValue() != 0) {
                    f.destroyForcibly();
                    throw new IllegalStateException("formatting the embedded Kafka storage in " + logDirs
                            + " failed; see " + brokerLog + ":\n" + tail(brokerLog));
                }
            }
            List<String> run = new ArrayList<>(command(cp));
            run.add(props.toString());
            Process p = new ProcessBuilder(run).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(brokerLog.toFile())).start();
            process = p;
            watchdogPipe = p.getOutputStream();
            shutdownHook = new Thread(p::destroy, "ktstr4j-embedded-kafka-stop");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            awaitReady(p, brokerLog);
            log.info("embedded Kafka broker (pid {}) ready at {}; data and broker.log in {}", p.pid(), bootstrap(),
                    dataDir);
            return bootstrap();
        } catch (IOException e) {
            stop(true);
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dataDir + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            stop(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
        } catch (RuntimeException e) {
            stop(true);
            throw e;
        }
    }

    private List<String> command(String cp) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(BrokerMain.class.getName());
        return cmd;
    }

    private void awaitReady(Process p, Path brokerLog) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        try (Admin admin = Admin.create(conf)) {
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the embedded Kafka broker exited with code " + p.exitValue()
                            + " while starting; see " + brokerLog + ":\n" + tail(brokerLog));
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    Thread.sleep(200);
                }
            }
        }
        throw new IllegalStateException("the embedded Kafka broker did not become ready at " + bootstrap() + " within "
                + READY_TIMEOUT.toSeconds() + " s; see " + brokerLog + ":\n" + tail(brokerLog));
    }

    private String serverProperties(Path logDirs) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDirs.toString());
        // One node: every internal topic must accept a single replica, or consumers hang silently.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // A restart after a crash is otherwise fenced for about 9 s.
        p.setProperty("broker.session.timeout.ms", "2000");
        p.setProperty("broker.heartbeat.interval.ms", "500");
        p.setProperty("num.partitions", "3");
        p.setProperty("auto.create.topics.enable", "true");
        StringBuilder sb = new StringBuilder("# written by ktstr4j EmbeddedKafka\n");
        p.stringPropertyNames().stream().sorted().forEach(k -> sb.append(k).append('=').append(p.getProperty(k))
                .append('\n'));
        return sb.toString();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void closeQuietly(OutputStream s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // The child is gone already.
            }
        }
    }
}
