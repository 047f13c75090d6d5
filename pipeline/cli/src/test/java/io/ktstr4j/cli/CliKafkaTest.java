package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.sink.kafka.EmbeddedKafka;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.consumer.EventStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code ktstr4j run --kafka …} and {@code ktstr4j kafka …} against a real broker (a child-JVM KRaft broker on
 * 127.0.0.1), with the fake VM backend of {@link CliFixture} so the test is about the publishing, not the guest.
 */
@Tag("kafka")
class CliKafkaTest extends CliFixture {
    static EmbeddedKafka broker;
    static String bootstrap;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedKafka();
        bootstrap = broker.start(Files.createTempDirectory("ktstr4j-cli-kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static String prefix() {
        return "cli" + UUID.randomUUID().toString().substring(0, 8);
    }

    static List<RunEvent> eventsFile(Path f) throws Exception {
        List<RunEvent> l = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
            l.add(Json.read(line, RunEvent.class, f.toString()));
        }
        return l;
    }

    static List<EventStream.Delivered> consume(String prefix, int want) {
        List<String> topics = new TopicLayout(prefix).allNames().stream()
                .filter(t -> !t.endsWith("." + TopicLayout.RESULTS_LATEST)).toList();
        try (EventStream in = new EventStream(bootstrap, Map.of(), null, topics, true)) {
            return in.pollUntil(want, Duration.ofSeconds(30));
        }
    }

    @Test
    void runPublishesEveryEventOfEveryVariantInOrderPerKey() throws Exception {
        String prefix = prefix();
        Path events = tmp.resolve("events.jsonl");
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc,tiny-1llc", "--events", events.toString(), "--kafka", bootstrap,
                "--kafka-topic-prefix", prefix, "--kafka-spool", tmp.resolve("spool").toString(), "--quiet");
        assertThat(code).as(err()).isZero();
        List<RunEvent> produced = eventsFile(events);
        // run.started and run.finished have no variant key
        assertThat(produced.stream().map(RunEvent::variantKey).filter(java.util.Objects::nonNull).distinct())
                .hasSize(2);
        assertThat(err()).contains("kafka: " + produced.size() + " events produced = " + produced.size()
                + " acked + 0 spooled + 0 failed");

        List<EventStream.Delivered> got = consume(prefix, produced.size());
        assertThat(got).extracting(d -> d.event().eventId())
                .containsExactlyInAnyOrderElementsOf(produced.stream().map(RunEvent::eventId).toList());
        Map<String, List<Long>> seqByKey = new LinkedHashMap<>();
        got.forEach(d -> seqByKey.computeIfAbsent(d.topic() + "|" + d.key(), k -> new ArrayList<>())
                .add(d.event().seq()));
        seqByKey.values().forEach(seqs -> assertThat(seqs).isSorted());
    }

    @Test
    void unreachableKafkaFailsFastBeforeAnyVmBoots() throws Exception {
        int closed = closedPort();
        long t0 = System.nanoTime();
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--kafka", "127.0.0.1:" + closed, "--kafka-spool", tmp.resolve("spool").toString());
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(code).isEqualTo(ExitCodes.USAGE_OR_INFRA);
        assertThat(err()).contains("127.0.0.1:" + closed).contains("unreachable").contains("--kafka-fallback spool")
                .doesNotContain("booting").doesNotContain("\tat ");
        assertThat(out()).isEmpty();
        assertThat(secs).as("fails within the connect timeout").isLessThan(30);
    }

    @Test
    void withSpoolFallbackTheRunPassesAndKafkaReplayDeliversItLater() throws Exception {
        String prefix = prefix();
        Path spool = tmp.resolve("spool");
        Path events = tmp.resolve("events.jsonl");
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--events", events.toString(), "--kafka", "127.0.0.1:" + closedPort(), "--kafka-fallback", "spool",
                "--kafka-spool", spool.toString(), "--kafka-topic-prefix", prefix, "--kafka-drain-timeout", "1",
                "--quiet");
        List<RunEvent> produced = eventsFile(events);
        assertThat(code).as(err()).isZero();
        assertThat(out()).startsWith("PASS");
        assertThat(err()).contains("WARNING").contains("spool")
                .contains(produced.size() + " events produced = 0 acked + " + produced.size() + " spooled + 0 failed");
        try (Stream<Path> files = Files.walk(spool)) {
            assertThat(files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum()).isPositive();
        }

        out.reset();
        err.reset();
        assertThat(Main.execute(services(1, null), "kafka", "replay", "--kafka", bootstrap, "--kafka-spool",
                spool.toString(), "--kafka-topic-prefix", prefix)).as(err()).isZero();
        assertThat(out()).contains(produced.size() + " events replayed");
        List<EventStream.Delivered> got = consume(prefix, produced.size());
        assertThat(got).extracting(d -> d.event().eventId())
                .containsExactlyInAnyOrderElementsOf(produced.stream().map(RunEvent::eventId).toList());

        // tail: one run's events as JSON lines, read back from the topics
        out.reset();
        err.reset();
        String runId = produced.get(0).runId();
        assertThat(Main.execute(services(1, null), "kafka", "tail", "--kafka", bootstrap, "--kafka-topic-prefix",
                prefix, "--run", runId, "--idle", "2")).isZero();
        assertThat(out().lines().map(l -> Json.read(l, RunEvent.class, "tail").eventId()).toList())
                .containsExactlyInAnyOrderElementsOf(produced.stream().map(RunEvent::eventId).toList());
        assertThat(err()).contains("kafka tail: " + produced.size() + " events (0 duplicates dropped");
    }

    @Test
    void topicsCommandCreatesTheLayout() {
        String prefix = prefix();
        assertThat(Main.execute(services(1, null), "kafka", "topics", "--kafka", bootstrap, "--kafka-topic-prefix",
                prefix)).as(err()).isZero();
        for (String name : new TopicLayout(prefix).allNames()) {
            assertThat(out()).containsPattern(java.util.regex.Pattern.quote(name) + " +\\d+ .*\\(created\\)");
        }
        out.reset();
        assertThat(Main.execute(services(1, null), "kafka", "topics", "--kafka", bootstrap, "--kafka-topic-prefix",
                prefix)).isZero();
        assertThat(out()).doesNotContain("(created)");
    }

    @Test
    void kafkaCommandsRefuseEmbeddedAndMissingAddress() {
        assertThat(Main.execute(services(1, null), "kafka", "replay")).isEqualTo(2);
        assertThat(err()).contains("--kafka HOST:PORT is required");
        err.reset();
        assertThat(Main.execute(services(1, null), "kafka", "tail", "--kafka", "embedded")).isEqualTo(2);
        assertThat(err()).contains("ktstr4j kafka start prints it");
        err.reset();
        assertThat(Main.execute(services(1, null), "run", plan.toString(), "--kernel", kernel.toString(), "--kafka",
                "nohostport")).isEqualTo(2);
        assertThat(err()).contains("--kafka: kafka bootstrap entry 'nohostport' is not host:port");
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
