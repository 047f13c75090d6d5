package io.ktstr4j.cli.kafka;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.sink.kafka.EmbeddedKafka;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.SpoolReplayer;
import io.ktstr4j.sink.kafka.TopicAdmin;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.consumer.EventStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code ktstr4j kafka …}: a local broker for people with nothing installed, topic set-up, spool replay, and a tail of
 * the published events. Loaded by the CLI by name, so the pipeline module does not need to know it.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Kafka helpers: start a local broker, create topics, replay the spool, tail published events.",
        subcommands = {KafkaCommand.Start.class, KafkaCommand.Topics.class, KafkaCommand.Replay.class,
                KafkaCommand.Tail.class})
public final class KafkaCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a kafka command is required (start, topics, "
                + "replay, tail)");
    }

    /** Exit code when Kafka did not take what was asked (replay stopped, broker unreachable). */
    static final int UNAVAILABLE = 2;

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Run a real single-node Kafka broker (KRaft) on 127.0.0.1 from the Kafka jars, with the "
                    + "ktstr4j topics created, until Ctrl-C. No Docker needed.")
    static final class Start implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
                description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free port).")
        int port;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Broker data and broker.log (default: ~/.cache/ktstr4j/kafka); kept across restarts.")
        Path dataDir;

        @Option(names = "--kafka-topic-prefix", paramLabel = "PREFIX", defaultValue = "ktstr4j",
                description = "Prefix of the topics to create (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = dataDir != null ? dataDir : KafkaSinkConfig.of(KafkaSinkConfig.EMBEDDED).embeddedDataDir();
            TopicLayout layout = new TopicLayout(topicPrefix);
            CountDownLatch stopped = new CountDownLatch(1);
            try (EmbeddedKafka broker = new EmbeddedKafka()) {
                out.println("starting Kafka (KRaft, single node) with data in " + dir + " ...");
                out.flush();
                String bootstrap = broker.start(dir, port);
                List<String> created;
                try (TopicAdmin admin = new TopicAdmin(bootstrap, java.util.Map.of(), Duration.ofSeconds(30))) {
                    created = admin.ensureTopics(layout);
                }
                out.println("Kafka ready at " + bootstrap + " (pid " + broker.pid() + "); topics " + layout.prefix()
                        + ".* ready (" + created.size() + " created). Publish with: ktstr4j run ... --kafka "
                        + bootstrap);
                out.println("Ctrl-C stops it; its log is " + dir.resolve("broker.log"));
                out.flush();
                Thread hook = new Thread(() -> {
                    broker.close();
                    stopped.countDown();
                }, "ktstr4j-kafka-start-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                // Wait for Ctrl-C, or for the broker to die on its own (then say so and fail).
                while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                    if (!broker.isRunning()) {
                        spec.commandLine().getErr().println("ktstr4j: the Kafka broker exited; see "
                                + dir.resolve("broker.log"));
                        return UNAVAILABLE;
                    }
                }
            }
            return 0;
        }
    }

    /** A command that talks to a running cluster: the client options, and the address checked. */
    abstract static class ClusterCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        KafkaClientOptions kafka;

        /** The sink configuration of the options; refuses a missing address and 'embedded'. */
        KafkaSinkConfig cluster() {
            try {
                return kafka.runningCluster();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }
    }

    @Command(name = "topics", mixinStandardHelpOptions = true,
            description = "Create the ktstr4j topics that are missing, and list the layout.")
    static final class Topics extends ClusterCommand {
        @Override
        public Integer call() {
            KafkaSinkConfig c = cluster();
            TopicLayout layout = new TopicLayout(c.topicPrefix());
            PrintWriter out = spec.commandLine().getOut();
            try (TopicAdmin admin = new TopicAdmin(c.bootstrap(), c.clientProperties(), c.connectTimeout())) {
                List<String> created = admin.ensureTopics(layout);
                out.printf("%-28s %10s  %s%n", "TOPIC", "PARTITIONS", "CONFIGS");
                layout.topics().forEach((name, t) -> out.printf("%-28s %10d  %s%s%n", name, t.partitions(),
                        t.configs(), created.contains(name) ? "  (created)" : ""));
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Send what earlier runs left in the spool (Kafka was down) to Kafka, oldest first, in "
                    + "order; sessions are removed once acknowledged.")
    static final class Replay extends ClusterCommand {
        @Override
        public Integer call() {
            KafkaSinkConfig c = cluster();
            SpoolReplayer.ReplaySummary s = new SpoolReplayer(c).replayBlocking(c.bootstrap());
            spec.commandLine().getOut().println(s.line());
            return s.error() == null ? 0 : UNAVAILABLE;
        }
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = "Print published run events as JSON lines (duplicates dropped by event id), from the "
                    + "beginning of the topics.")
    static final class Tail extends ClusterCommand {
        @Option(names = "--run", paramLabel = "RUN_ID", description = "Only this run's events.")
        String runId;

        @Option(names = "--topic", paramLabel = "SUFFIX", split = ",",
                description = "Topic suffixes to read (default: all but results.latest): lifecycle, monitor, "
                        + "snapshots, results, failures, hoststate, regressions.")
        List<String> topics;

        @Option(names = "--follow", description = "Keep waiting for new events until Ctrl-C.")
        boolean follow;

        @Option(names = "--idle", paramLabel = "SECONDS", defaultValue = "5",
                description = "Without --follow: stop after this many seconds without a new event (default: "
                        + "${DEFAULT-VALUE}).")
        int idleSeconds;

        @Override
        public Integer call() {
            KafkaSinkConfig c = cluster();
            TopicLayout layout = new TopicLayout(c.topicPrefix());
            List<String> names = topics == null
                    ? layout.allNames().stream().filter(t -> !t.endsWith("." + TopicLayout.RESULTS_LATEST)).toList()
                    : topics.stream().map(layout::name).toList();
            PrintWriter out = spec.commandLine().getOut();
            long printed = 0;
            try (EventStream in = new EventStream(c.bootstrap(), c.clientProperties(), null, names, true)) {
                long idleSince = System.nanoTime();
                while (follow || System.nanoTime() - idleSince < Duration.ofSeconds(idleSeconds).toNanos()) {
                    List<EventStream.Delivered> got = in.poll(Duration.ofMillis(500));
                    if (!got.isEmpty()) {
                        idleSince = System.nanoTime();
                    }
                    for (EventStream.Delivered d : got) {
                        RunEvent e = d.event();
                        if (runId == null || runId.equals(e.runId())) {
                            out.println(Json.write(e));
                            printed++;
                        }
                    }
                    out.flush();
                }
                spec.commandLine().getErr().println("kafka tail: " + printed + " events (" + in.duplicates()
                        + " duplicates dropped, " + in.malformed() + " malformed)");
            }
            return 0;
        }
    }
}
