package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ktstr4j.hoststate.ProcCapture;
import io.ktstr4j.hoststate.ProcTree;
import io.ktstr4j.hoststate.compare.DeltaOptions;
import io.ktstr4j.hoststate.compare.DeltaSummaries;
import io.ktstr4j.hoststate.kafka.DiffWatch;
import io.ktstr4j.hoststate.kafka.DiffWatchOptions;
import io.ktstr4j.sink.kafka.EmbeddedKafka;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A run with {@code --kafka embedded} publishes its two host-state captures, keyed by host; the diff consumer
 * publishes the run's delta; an independent client (plain kafka-clients and Jackson, none of ktstr4j's codec) reads
 * both back; and {@code host-state compare run:…:before run:…:after --kafka} finds the captures on the topic.
 */
@Tag("kafka")
class HostStateKafkaTest extends CliFixture {

    /**
     * Captures of a host where stress-ng burns 3 s of CPU between the first capture and the second: the capture's
     * clock, read at the start of each walk, rewrites the fixture tree before the second one.
     */
    Services burningHost() {
        Path root = tmp.resolve("host");
        ProcTree tree = new ProcTree(root);
        tree.thread(ProcTree.Thread.of(100, 100, "stress-ng", "stress-ng", 1_000_000_000L), true)
                .thread(ProcTree.Thread.of(7, 7, "sshd", "sshd", 1_000_000L), true);
        AtomicInteger walks = new AtomicInteger();
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                if (walks.incrementAndGet() == 2) {
                    tree.thread(ProcTree.Thread.of(100, 100, "stress-ng", "stress-ng", 4_000_000_000L), true);
                }
                return java.time.Instant.now();
            }
        };
        Services base = services(99_000, null);
        return new Services(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)) {
            @Override
            public io.ktstr4j.pipeline.ScenarioCatalog catalog() {
                return base.catalog();
            }

            @Override
            public io.ktstr4j.stats.store.StoreLocation resultsStore() {
                return base.resultsStore();
            }

            @Override
            public RunnerChoice runner(String backendRequest, boolean verbose) {
                return base.runner(backendRequest, verbose);
            }

            @Override
            public Path hostStateDir() {
                return base.hostStateDir();
            }

            @Override
            public ProcCapture hostCapture() {
                return new ProcCapture(root, clock);
            }
        };
    }

    @Test
    void aRunsCapturesAndTheirDeltaArePublishedKeyedByHostAndCompareFindsThem() throws Exception {
        // The case: a run with --kafka embedded. That broker lives for the run; its data directory stays, and
        // a broker started over it afterwards (as `ktstr4j kafka start` does) serves what the run published.
        Path data = tmp.resolve("broker");
        String prefix = "hs" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Main.execute(burningHost(), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc", "--kafka", "embedded", "--kafka-data-dir", data.toString(),
                "--kafka-topic-prefix", prefix, "--kafka-spool", tmp.resolve("spool").toString(), "--quiet",
                "--json")).as(err()).isZero();
        String runId = io.ktstr4j.schemas.json.Json.readTree(out().strip(), "stdout").get("run_id").asText();
        // With the embedded broker the captures are files too, and the results name the files.
        assertThat(tmp.resolve("cache/host-state/" + runId + ".before.hst.zst")).isRegularFile();

        try (EmbeddedKafka broker = new EmbeddedKafka()) {
            String bs = broker.start(data);
            KafkaSinkConfig k = KafkaSinkConfig.of(bs).withTopicPrefix(prefix);
            DeltaSummaries summaries = new DeltaSummaries(DeltaOptions.DEFAULTS);
            List<JsonNode> got;
            try (DiffWatch w = DiffWatch.start(new DiffWatchOptions(k, null, tmp.resolve("state"), null,
                    summaries::summarize))) {
                assertThat(w.app().awaitRunning(Duration.ofSeconds(60))).isTrue();
                got = read(bs, prefix + ".hoststate", l -> l.stream().anyMatch(n -> type(n).equals("host.state_delta")),
                        Duration.ofSeconds(60));
            }
            List<JsonNode> captures = got.stream().filter(n -> type(n).equals("host.state")).toList();
            assertThat(captures).hasSize(2);
            assertThat(captures).extracting(n -> n.get("key").asText()).containsOnly("fixture-host");
            assertThat(captures).extracting(n -> n.get("event").get("body").get("phase").asText())
                    .containsExactly("BEFORE_RUN", "AFTER_RUN");
            assertThat(captures).extracting(n -> n.get("event").get("run_id").asText()).containsOnly(runId);
            List<JsonNode> deltas = got.stream().filter(n -> type(n).equals("host.state_delta")).toList();
            assertThat(deltas).hasSize(1);
            JsonNode d = deltas.get(0).get("event").get("body");
            assertThat(deltas.get(0).get("key").asText()).isEqualTo("fixture-host");
            assertThat(d.get("pair").asText()).isEqualTo("run");
            assertThat(d.get("run_id").asText()).isEqualTo(runId);
            assertThat(d.get("busiest").get(0).get("group").asText()).isEqualTo("stress-ng");
            assertThat(d.get("top").get(0).get("group").asText()).isEqualTo("stress-ng");
            assertThat(d.get("top").get(0).get("delta").asDouble()).isEqualTo(3e9);

            out.reset();
            assertThat(Main.execute(services(99_000, null), "host-state", "compare", "run:" + runId + ":before",
                    "run:" + runId + ":after", "--kafka", bs, "--kafka-topic-prefix", prefix, "--json"))
                    .as(err()).isZero();
            JsonNode cmp = new ObjectMapper().readTree(out());
            assertThat(cmp.get("rows").get(0).get("group").asText()).isEqualTo("stress-ng");
            assertThat(cmp.get("rows").get(0).get("delta").asDouble()).isEqualTo(3e9);
        }
    }

    static String type(JsonNode record) {
        return record.get("event").get("body").get("type").asText();
    }

    /**
     * Reads a topic from its beginning with a plain consumer until {@code done}: each record's value decoded by its
     * content-type (zstd frame or not) into NDJSON lines, each line one {@code {"key":…, "event":…}} node.
     */
    static List<JsonNode> read(String bootstrap, String topic, Predicate<List<JsonNode>> done, Duration timeout)
            throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> parts.add(new TopicPartition(topic,
                    p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Header ct = r.headers().lastHeader("content-type");
                    byte[] v = r.value();
                    if (ct != null && new String(ct.value(), StandardCharsets.UTF_8).endsWith("+zstd")) {
                        try (var in = new com.github.luben.zstd.ZstdInputStream(new java.io.ByteArrayInputStream(v))) {
                            v = in.readAllBytes();
                        }
                    }
                    for (String line : new String(v, StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank()) {
                            out.add(json.createObjectNode().put("key", new String(r.key(), StandardCharsets.UTF_8))
                                    .set("event", json.readTree(line)));
                        }
                    }
                }
            }
        }
        return out;
    }
}
