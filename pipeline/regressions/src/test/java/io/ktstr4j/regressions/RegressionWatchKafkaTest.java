package io.ktstr4j.regressions;

import static io.ktstr4j.regressions.KafkaFixture.countsById;
import static io.ktstr4j.regressions.KafkaFixture.summaries;
import static io.ktstr4j.regressions.PublishedResults.result;
import static io.ktstr4j.regressions.PublishedResults.spread;
import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.regressions.KafkaFixture.Keyed;
import io.ktstr4j.schemas.event.AnalysisStatus;
import io.ktstr4j.schemas.event.AnalysisSummary;
import io.ktstr4j.schemas.event.MetricRegression;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.sink.kafka.EmbeddedKafka;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.TopicAdmin;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.stats.TrialFilter;
import io.ktstr4j.stats.store.ResultsStore;
import io.ktstr4j.stats.store.StoreLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression consumer and the topic ingest against a real broker (sink-kafka's embedded KRaft broker, a child
 * JVM on 127.0.0.1): results published by a plain producer as {@code ktstr4j run} writes them, the conclusions read
 * back by an independent read-committed consumer. The kill-and-restart test runs the CLI in JVMs of its own
 * (CliWatchKafkaTest, pipeline/cli).
 */
@Tag("kafka")
class RegressionWatchKafkaTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static EmbeddedKafka broker;
    static String bootstrap;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedKafka();
        bootstrap = broker.start(Files.createTempDirectory("ktstr4j-watch-kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static TopicLayout layout() {
        TopicLayout l = new TopicLayout("w" + UUID.randomUUID().toString().substring(0, 8));
        try (TopicAdmin admin = new TopicAdmin(bootstrap, Map.of(), Duration.ofSeconds(30))) {
            admin.ensureTopics(l);
        }
        return l;
    }

    WatchOptions options(TopicLayout l, String instance) {
        return WatchOptions.builder(KafkaSinkConfig.of(bootstrap).withTopicPrefix(l.prefix()),
                        TrialFilter.parse("--baseline", List.of("run_source=ci")))
                .stateDir(tmp.resolve(instance)).build();
    }

    @Test
    void publishedResultsComeBackAsRegressionEventsAndAGarbageRecordIsSkippedAndCounted() throws Exception {
        TopicLayout l = layout();
        try (RegressionWatch w = RegressionWatch.start(options(l, "a"))) {
            assertThat(w.app().awaitRunning(WAIT)).as("running").isTrue();
            List<SidecarResult> base = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                base.add(result("ci-" + i, "ci", "abc1234", i).stats(spread(10 + i)).build());
            }
            KafkaFixture.publish(bootstrap, l, base);
            // Results of different runs travel in different partitions: the baseline is in before the new one.
            assertThat(summaries(KafkaFixture.readCommitted(bootstrap, l, e -> summaries(e).size() >= 3, WAIT)))
                    .hasSize(3);
            KafkaFixture.publishRaw(bootstrap, l.name(TopicLayout.RESULTS), "junk".getBytes(StandardCharsets.UTF_8),
                    "\u0000\u0001 not a ktstr4j record".getBytes(StandardCharsets.UTF_8));
            KafkaFixture.publish(bootstrap, l, List.of(result("dev-1", "local", "def5678", 9).stats(spread(40))
                    .build()));

            List<Keyed> got = KafkaFixture.readCommitted(bootstrap, l, e -> summaries(e).size() >= 4, WAIT);
            List<AnalysisSummary> s = summaries(got);
            // The baseline's runs travel in different partitions, so only their set is ordered before dev-1.
            assertThat(s.subList(0, 3)).extracting(AnalysisSummary::runId).containsExactlyInAnyOrder("ci-0", "ci-1",
                    "ci-2");
            assertThat(s).hasSize(4).extracting(AnalysisSummary::runId).last().isEqualTo("dev-1");
            assertThat(s.get(3).status()).isEqualTo(AnalysisStatus.COMPARED);
            assertThat(s.get(3).regressions()).containsExactly("worst_spread");
            MetricRegression reg = got.stream().map(k -> k.event().body()).filter(b -> b instanceof MetricRegression)
                    .map(b -> (MetricRegression) b).findFirst().orElseThrow();
            assertThat(reg.runId()).isEqualTo("dev-1");
            assertThat(reg.baselineMean()).isEqualTo(11.0);
            assertThat(got).extracting(Keyed::key).containsOnly(reg.variant());
            assertThat(countsById(got).values()).containsOnly(1);
            assertThat(w.counters().skipped().count()).isEqualTo(1);
            assertThat(w.counters().skipped().named().get(0)).startsWith(l.name(TopicLayout.RESULTS) + "-");
            assertThat(w.counters().line()).contains("4 results read").contains("1 record skipped");
            assertThat(w.app().state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void twoInstancesSharingTheApplicationIdSplitTheWorkAndAnalyseEachResultOnce() throws Exception {
        TopicLayout l = layout();
        try (RegressionWatch a = RegressionWatch.start(options(l, "a"));
             RegressionWatch b = RegressionWatch.start(options(l, "b"))) {
            assertThat(a.app().awaitRunning(WAIT)).isTrue();
            assertThat(b.app().awaitRunning(WAIT)).isTrue();
            List<SidecarResult> results = new ArrayList<>();
            for (int v = 0; v < 12; v++) {
                for (int i = 0; i < 2; i++) {
                    results.add(result("ci-" + i, "ci", "abc1234", i).testName("test" + v)
                            .variantKey("test" + v + "/tiny-2llc/eevdf").build());
                }
            }
            KafkaFixture.publish(bootstrap, l, results);
            List<Keyed> got = KafkaFixture.readCommitted(bootstrap, l, e -> summaries(e).size() >= results.size(),
                    WAIT);
            assertThat(summaries(got)).hasSize(results.size());
            assertThat(countsById(got).values()).containsOnly(1);
            assertThat(a.counters().results()).as("instance a read results").isPositive();
            assertThat(b.counters().results()).as("instance b read results").isPositive();
            assertThat(a.counters().results() + b.counters().results()).isEqualTo(results.size());
        }
    }

    @Test
    void topicIngestStoresEachResultOnceAndResumesWhereTheGroupStopped() throws Exception {
        TopicLayout l = layout();
        KafkaSinkConfig k = KafkaSinkConfig.of(bootstrap).withTopicPrefix(l.prefix());
        ResultsStore store = ResultsStore.at(new StoreLocation.DuckDbFile(tmp.resolve("results.duckdb")));
        List<SidecarResult> first = List.of(result("r-0", "ci", "a", 0).build(), result("r-1", "ci", "a", 1).build());
        KafkaFixture.publish(bootstrap, l, first);
        KafkaFixture.publishRaw(bootstrap, l.name(TopicLayout.RESULTS), null, "{\"not\":\"ours\"}".getBytes());
        TopicIngest.Summary s1 = TopicIngest.run(k, "g1", store);
        assertThat(s1.stored()).isEqualTo(2);
        assertThat(s1.skipped().count()).isEqualTo(1);
        assertThat(s1.line("the store")).startsWith("ingested 2 new results, 0 already stored, 1 record skipped ("
                + l.name(TopicLayout.RESULTS) + "-");

        KafkaFixture.publish(bootstrap, l, List.of(result("r-2", "ci", "a", 2).build(), first.get(0)));
        TopicIngest.Summary s2 = TopicIngest.run(k, "g1", store);
        assertThat(s2.records()).as("only what came after the first ingest").isEqualTo(2);
        assertThat(s2.stored()).isEqualTo(1);
        assertThat(s2.duplicates()).isEqualTo(1);
        assertThat(s2.skipped().count()).isZero();
        assertThat(store.count()).isEqualTo(3);

        TopicIngest.Summary s3 = TopicIngest.run(k, "g1", store);
        assertThat(s3.records()).isZero();
    }
}
