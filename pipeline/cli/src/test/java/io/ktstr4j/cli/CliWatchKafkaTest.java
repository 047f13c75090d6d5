package io.ktstr4j.cli;

import static io.ktstr4j.regressions.KafkaFixture.countsById;
import static io.ktstr4j.regressions.KafkaFixture.summaries;
import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.regressions.KafkaFixture;
import io.ktstr4j.regressions.PublishedResults;
import io.ktstr4j.schemas.event.AnalysisSummary;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.sink.kafka.EmbeddedKafka;
import io.ktstr4j.sink.kafka.TopicAdmin;
import io.ktstr4j.sink.kafka.TopicLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ktstr4j stats watch} in JVMs of its own against a real broker: SIGKILLed mid-stream and started again (same
 * application id and state directory), then SIGTERMed. A read-committed consumer sees one summary per result and no
 * event twice (exactly-once), and the SIGTERM prints the counters. Then {@code stats ingest --kafka} reads the same
 * topic into a store, and a second ingest finds nothing new.
 */
@Tag("kafka")
class CliWatchKafkaTest extends CliFixture {
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path work;

    @Test
    void killedAndRestartedMidStreamNoEventIsPublishedTwiceThenSigtermStopsCleanly() throws Exception {
        try (EmbeddedKafka broker = new EmbeddedKafka()) {
            String bs = broker.start(work.resolve("broker"));
            TopicLayout l = new TopicLayout("cw" + Long.toHexString(System.nanoTime()));
            try (TopicAdmin admin = new TopicAdmin(bs, Map.of(), Duration.ofSeconds(30))) {
                admin.ensureTopics(l);
            }
            List<SidecarResult> results = results(40);
            Process first = watch(bs, l, "first");
            try {
                KafkaFixture.publish(bs, l, results.subList(0, 20));
                KafkaFixture.readCommitted(bs, l, e -> summaries(e).size() >= 20, WAIT);
                // Kill right after ten more are acknowledged: the watch is taking them, in an open transaction.
                KafkaFixture.publish(bs, l, results.subList(20, 30));
                first.destroyForcibly(); // SIGKILL: no hook, no commit
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                first.destroyForcibly();
            }
            KafkaFixture.publish(bs, l, results.subList(30, 40));
            Process second = watch(bs, l, "second");
            List<KafkaFixture.Keyed> got;
            try {
                got = KafkaFixture.readCommitted(bs, l, e -> summaries(e).size() >= results.size(), WAIT);
                second.destroy(); // SIGTERM: the hook commits and prints the counters
                assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("stats watch ends after SIGTERM").isTrue();
            } finally {
                second.destroyForcibly();
            }
            Map<String, Integer> perResult = new TreeMap<>();
            summaries(got).forEach(s -> perResult.merge(s.resultId(), 1, Integer::sum));
            assertThat(perResult).hasSize(results.size());
            assertThat(perResult.values()).as("summaries per result id").containsOnly(1);
            assertThat(countsById(got).values()).as("copies per event id").containsOnly(1);
            assertThat(got.stream().filter(k -> k.event().body().typeName().equals("analysis.regression")))
                    .as("the worse results' regressions").isNotEmpty();
            String err = Files.readString(work.resolve("second.err"));
            err.lines().forEach(line -> System.out.println("[second] " + line));
            assertThat(err).contains("stats watch: reading " + l.name(TopicLayout.RESULTS))
                    .contains("stats watch: stopped: stats watch: ");

            // The same topic into a store, from the start; then nothing new.
            Path store = work.resolve("results.duckdb");
            assertThat(Main.execute(services(1, null), "stats", "ingest", "--kafka", bs, "--kafka-topic-prefix",
                    l.prefix(), "--results-store", store.toString())).as(err()).isZero();
            assertThat(out()).startsWith("ingested 40 new results, 0 already stored, 0 records skipped from 40 "
                    + "records of " + l.name(TopicLayout.RESULTS) + " (group " + l.prefix() + "-stats-ingest)");
            out.reset();
            assertThat(Main.execute(services(1, null), "stats", "ingest", "--kafka", bs, "--kafka-topic-prefix",
                    l.prefix(), "--results-store", store.toString())).isZero();
            assertThat(out()).startsWith("ingested 0 new results, 0 already stored, 0 records skipped from 0 records");
        }
    }

    /** Four variants, ten runs each from CI; every fifth run's spread is three times the others'. */
    static List<SidecarResult> results(int n) {
        List<SidecarResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String test = "test" + (i % 4);
            out.add(PublishedResults.result("ci-" + i, "ci", "c" + i, i).testName(test)
                    .variantKey(test + "/tiny-2llc/eevdf").stats(PublishedResults.spread(i % 5 == 4 ? 30 : 10))
                    .build());
        }
        return out;
    }

    /** {@code ktstr4j stats watch} in a JVM of its own; its stderr goes to {@code <name>.err}. */
    private Process watch(String bs, TopicLayout l, String name) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "stats", "watch", "--kafka", bs,
                "--kafka-topic-prefix", l.prefix(), "--baseline", "run_source=ci", "--baseline-window", "3",
                "--state-dir", work.resolve("state").toString(), "--report-interval", "0",
                // A killed member leaves the group after its session: 6 s (the broker's minimum), not 45.
                "--kafka-property", "session.timeout.ms=6000");
        return new ProcessBuilder(cmd).redirectError(work.resolve(name + ".err").toFile())
                .redirectOutput(work.resolve(name + ".out").toFile()).start();
    }
}
