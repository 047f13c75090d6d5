package io.ktstr4j.bench;

import io.ktstr4j.regressions.KafkaFixture;
import io.ktstr4j.regressions.PublishedResults;
import io.ktstr4j.regressions.RegressionWatch;
import io.ktstr4j.regressions.WatchCounters;
import io.ktstr4j.regressions.WatchOptions;
import io.ktstr4j.regressions.WatchTopology;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.sink.kafka.EmbeddedKafka;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.TopicAdmin;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import io.ktstr4j.stats.TrialFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The regression consumer's throughput ({@code stats watch}): a backlog of synthetic results (many variants, a few
 * percent of them worse than their baseline) on the results topic, then one or more instances started, timed until
 * an independent read-committed consumer has every result's summary. Beside it, the same results through the same
 * topology on Kafka Streams' test driver (no broker, no transactions): what the comparison itself costs.
 *
 * <pre>bench/run.sh WatchBench [--kafka HOST:PORT] [--results 20000] [--variants 50] [--instances 1]</pre>
 */
public final class WatchBench {

    private WatchBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchArgs.parse(args);
        int n = Integer.parseInt(a.getOrDefault("results", "20000"));
        int variants = Integer.parseInt(a.getOrDefault("variants", "50"));
        int instances = Integer.parseInt(a.getOrDefault("instances", "1"));
        List<SidecarResult> results = results(n, variants);
        System.out.printf(Locale.ROOT, "WatchBench: %d results of %d variants, baseline run_source=ci, window 5; "
                + "%d CPUs, JVM %s%n", n, variants, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));

        double driverRate = onTheTestDriver(results);

        EmbeddedKafka embedded = null;
        String bootstrap = a.get("kafka");
        if (bootstrap == null) {
            embedded = new EmbeddedKafka(List.of("-Xmx1g", "-Xms256m", "-XX:+UseParallelGC",
                    "-Djava.awt.headless=true"));
            bootstrap = embedded.start(Files.createTempDirectory("ktstr4j-watchbench"));
        }
        try {
            TopicLayout layout = new TopicLayout("wb" + UUID.randomUUID().toString().substring(0, 6));
            try (TopicAdmin admin = new TopicAdmin(bootstrap, Map.of(), Duration.ofSeconds(30))) {
                admin.ensureTopics(layout);
            }
            long t0 = System.nanoTime();
            KafkaFixture.publish(bootstrap, layout, results);
            double publishS = (System.nanoTime() - t0) / 1e9;

            Path state = Files.createTempDirectory("ktstr4j-watchbench-state");
            List<RegressionWatch> watches = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < instances; i++) {
                watches.add(RegressionWatch.start(WatchOptions.builder(
                                KafkaSinkConfig.of(bootstrap).withTopicPrefix(layout.prefix()),
                                TrialFilter.parse("--baseline", List.of("run_source=ci")))
                        .stateDir(state.resolve("i" + i)).build()));
            }
            for (RegressionWatch w : watches) {
                w.app().awaitRunning(Duration.ofSeconds(120));
            }
            double runningS = (System.nanoTime() - start) / 1e9;
            List<KafkaFixture.Keyed> got = KafkaFixture.readCommitted(bootstrap, layout,
                    e -> KafkaFixture.summaries(e).size() >= n, Duration.ofMinutes(30));
            double allS = (System.nanoTime() - start) / 1e9;
            long regressions = got.stream().filter(k -> k.event().body().typeName().equals("analysis.regression"))
                    .count();
            for (RegressionWatch w : watches) {
                w.close();
            }
            System.out.println();
            System.out.println("| what | value |");
            System.out.println("|---|---|");
            row("results published (plain producer, as `ktstr4j run` writes them)", "%d in %.1f s", n, publishS);
            row("instances (1 stream thread each), to RUNNING", "%d, %.1f s", instances, runningS);
            row("backlog analysed, start to the last summary read back (read_committed)", "%.1f s", allS);
            row("**results/s through Kafka (exactly-once)**", "**%.0f**", n / (allS - runningS));
            row("summaries / regression events read back", "%d / %d", KafkaFixture.summaries(got).size(),
                    regressions);
            row("results/s on the test driver (same topology, no broker)", "%.0f", driverRate);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static void row(String what, String fmt, Object... v) {
        System.out.println("| " + what + " | " + String.format(Locale.ROOT, fmt, v) + " |");
    }

    /** CI runs of each variant in turn, spread around 10; one in twenty is three times worse. */
    static List<SidecarResult> results(int n, int variants) {
        Random rnd = new Random(17);
        List<SidecarResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String test = "test" + (i % variants);
            double spread = (rnd.nextInt(20) == 0 ? 30 : 10) + rnd.nextDouble();
            out.add(PublishedResults.result("ci-" + (i / variants), "ci", "c" + (i / variants), i / variants)
                    .testName(test).variantKey(test + "/tiny-2llc/eevdf").stats(PublishedResults.spread(spread))
                    .build());
        }
        return out;
    }

    /** The topology alone: results piped through Kafka Streams' test driver; results per second. */
    static double onTheTestDriver(List<SidecarResult> results) throws Exception {
        TopicLayout layout = TopicLayout.defaults();
        WatchOptions o = WatchOptions.builder(KafkaSinkConfig.of("127.0.0.1:9"),
                        TrialFilter.parse("--baseline", List.of("run_source=ci")))
                .stateDir(Files.createTempDirectory("ktstr4j-watchbench-driver")).build();
        WatchCounters counters = new WatchCounters();
        List<TestRecord<byte[], byte[]>> in = new ArrayList<>();
        for (SidecarResult r : results) {
            for (OutRecord rec : PublishedResults.records(r, layout)) {
                RecordHeaders h = new RecordHeaders();
                rec.headers().forEach(x -> h.add(x.name(), x.value()));
                in.add(new TestRecord<>(rec.key(), rec.value(), h, Instant.parse(r.timestamp())));
            }
        }
        try (TopologyTestDriver d = new TopologyTestDriver(WatchTopology.build(o, counters),
                RegressionWatch.properties(o, counters))) {
            TestInputTopic<byte[], byte[]> topic = d.createInputTopic(layout.name(TopicLayout.RESULTS),
                    new ByteArraySerializer(), new ByteArraySerializer());
            int warm = Math.min(2000, in.size() / 4);
            in.subList(0, warm).forEach(topic::pipeInput);
            long t0 = System.nanoTime();
            in.subList(warm, in.size()).forEach(topic::pipeInput);
            return (in.size() - warm) / ((System.nanoTime() - t0) / 1e9);
        }
    }
}
