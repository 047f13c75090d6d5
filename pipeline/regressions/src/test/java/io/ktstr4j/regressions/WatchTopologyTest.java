package io.ktstr4j.regressions;

import static io.ktstr4j.regressions.KafkaFixture.summaries;
import static io.ktstr4j.regressions.PublishedResults.failed;
import static io.ktstr4j.regressions.PublishedResults.result;
import static io.ktstr4j.regressions.PublishedResults.spread;
import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.regressions.KafkaFixture.Keyed;
import io.ktstr4j.schemas.event.AnalysisStatus;
import io.ktstr4j.schemas.event.AnalysisSummary;
import io.ktstr4j.schemas.event.FlakyOutcomes;
import io.ktstr4j.schemas.event.MetricRegression;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.KtstrHeaders;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import io.ktstr4j.stats.TrialFilter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch's topology on Kafka Streams' test driver: what it publishes for each result, with no broker. */
class WatchTopologyTest {
    static final TopicLayout LAYOUT = TopicLayout.defaults();

    @TempDir
    Path tmp;
    WatchCounters counters;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> results;
    TestOutputTopic<byte[], byte[]> regressions;

    @BeforeEach
    void start() {
        start(3);
    }

    void start(int window) {
        WatchOptions o = WatchOptions.builder(KafkaSinkConfig.of("127.0.0.1:9"),
                        TrialFilter.parse("--baseline", List.of("run_source=ci"))).window(window)
                .stateDir(tmp.resolve("state")).build();
        counters = new WatchCounters();
        driver = new TopologyTestDriver(WatchTopology.build(o, counters), RegressionWatch.properties(o, counters));
        results = driver.createInputTopic(LAYOUT.name(TopicLayout.RESULTS), new ByteArraySerializer(),
                new ByteArraySerializer());
        regressions = driver.createOutputTopic(LAYOUT.name(TopicLayout.REGRESSIONS), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    void publish(SidecarResult r) {
        for (OutRecord o : PublishedResults.records(r, LAYOUT)) {
            RecordHeaders h = new RecordHeaders();
            o.headers().forEach(x -> h.add(x.name(), x.value()));
            results.pipeInput(new TestRecord<>(o.key(), o.value(), h, java.time.Instant.parse(r.timestamp())));
        }
    }

    /** Every event published so far, with the key of its record. */
    List<Keyed> published() {
        List<Keyed> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : regressions.readRecordsToList()) {
            Map<String, String> h = new LinkedHashMap<>();
            for (Header x : r.headers()) {
                h.put(x.key(), new String(x.value(), StandardCharsets.UTF_8));
            }
            String key = new String(r.key(), StandardCharsets.UTF_8);
            PublishedResults.events(LAYOUT.name(TopicLayout.REGRESSIONS), List.of(r.value()), List.of(h))
                    .forEach(e -> out.add(new Keyed(key, e)));
        }
        return out;
    }

    @Test
    void aResultWorseThanItsBaselineGivesOneRegressionPerMetricThenItsSummaryKeyedByVariant() {
        for (int i = 0; i < 3; i++) {
            publish(result("ci-" + i, "ci", "abc1234", i).stats(spread(10 + i * 0.5)).build());
        }
        assertThat(summaries(published())).extracting(AnalysisSummary::status)
                .containsExactly(AnalysisStatus.NO_BASELINE, AnalysisStatus.COMPARED, AnalysisStatus.COMPARED);

        publish(result("dev-1", "local", "def5678", 10).stats(spread(30)).build());
        List<Keyed> got = published();
        assertThat(got).extracting(k -> k.event().body().typeName())
                .containsExactly("analysis.regression", "analysis.summary");
        MetricRegression reg = (MetricRegression) got.get(0).event().body();
        assertThat(reg.metric()).isEqualTo("worst_spread");
        assertThat(reg.baselineTrials()).isEqualTo(3);
        assertThat(reg.baselineMean()).isEqualTo(10.5);
        assertThat(reg.value()).isEqualTo(30.0);
        assertThat(reg.delta()).isEqualTo(19.5);
        assertThat(reg.baseline()).isEqualTo("--baseline run_source=ci");
        AnalysisSummary s = (AnalysisSummary) got.get(1).event().body();
        assertThat(s.status()).isEqualTo(AnalysisStatus.COMPARED);
        assertThat(s.regressions()).containsExactly("worst_spread");
        assertThat(s.baselineRuns()).containsExactly("ci-0", "ci-1", "ci-2");
        assertThat(s.baselineCommits()).containsEntry("project_commit", "abc1234");
        assertThat(s.projectCommit()).isEqualTo("def5678");
        assertThat(s.joinedBaseline()).as("a local result is no ci baseline").isFalse();
        // Keyed by the variant without the sliced dimensions (commits, run source): ci and local pair.
        assertThat(got).extracting(Keyed::key).containsOnly("steady/6.12.117/eevdf/1n2l2c1t/SpinWait/-/kvm");
        assertThat(reg.variant()).isEqualTo(got.get(0).key());
        assertThat(got.get(0).event().eventId())
                .isEqualTo("analysis.regression/dev-1/steady/tiny-2llc/eevdf@2026-12-01T10:10:00Z/worst_spread");
        assertThat(got.get(1).event().eventId())
                .isEqualTo("analysis.summary/dev-1/steady/tiny-2llc/eevdf@2026-12-01T10:10:00Z");
        assertThat(counters.regressions()).isEqualTo(1);
    }

    @Test
    void aResultLikeItsBaselineHasASummaryAndNoRegression() {
        publish(result("ci-0", "ci", "abc1234", 0).build());
        publish(result("dev-1", "local", "def5678", 1).stats(spread(11)).build());
        List<Keyed> got = published();
        assertThat(got).extracting(k -> k.event().body().typeName()).containsOnly("analysis.summary");
        assertThat(summaries(got).get(1).regressions()).isEmpty();
        assertThat(summaries(got).get(1).metricsCompared()).isPositive();
    }

    @Test
    void theBaselineKeepsTheLastNPassingResultsThatMatchTheFilter() {
        stop();
        start(2);
        publish(result("ci-0", "ci", "a0", 0).build());
        publish(result("ci-1", "ci", "a1", 1).build());
        publish(failed(result("ci-2", "ci", "a2", 2)).build());      // failed: not judged, not a baseline
        publish(result("dev-3", "local", "a3", 3).build());          // not ci: judged, not a baseline
        publish(result("ci-4", "ci", "a4", 4).build());
        publish(result("dev-5", "local", "a5", 5).build());
        List<AnalysisSummary> s = summaries(published());
        assertThat(s).extracting(AnalysisSummary::status).containsExactly(AnalysisStatus.NO_BASELINE,
                AnalysisStatus.COMPARED, AnalysisStatus.NOT_PASSED, AnalysisStatus.COMPARED,
                AnalysisStatus.COMPARED, AnalysisStatus.COMPARED);
        assertThat(s.get(2).outcome()).isEqualTo(Outcome.FAIL);
        assertThat(s.get(2).joinedBaseline()).isFalse();
        assertThat(s.get(3).baselineRuns()).containsExactly("ci-0", "ci-1");
        assertThat(s.get(5).baselineRuns()).containsExactly("ci-1", "ci-4");
    }

    @Test
    void aResultPublishedTwiceIsAnalysedOnce() {
        SidecarResult r = result("ci-0", "ci", "abc1234", 0).build();
        publish(r);
        publish(r);
        assertThat(summaries(published())).hasSize(1);
        assertThat(counters.duplicates()).isEqualTo(1);
    }

    @Test
    void aForeignOrCorruptRecordIsSkippedCountedAndNamedAndTheNextOneIsRead() {
        results.pipeInput(new TestRecord<>("k".getBytes(), "not json at all".getBytes()));
        RecordHeaders newer = new RecordHeaders();
        newer.add(KtstrHeaders.SCHEMA, KtstrHeaders.SCHEMA_NAME.getBytes());
        newer.add(KtstrHeaders.SCHEMA_VERSION, "2.0".getBytes());
        results.pipeInput(new TestRecord<>("k".getBytes(), "{}".getBytes(), newer));
        results.pipeInput(new TestRecord<>("k".getBytes(), ("{\"schema\":\"ktstr4j.run_event/9.0\",\"seq\":0}")
                .getBytes()));
        publish(result("ci-0", "ci", "abc1234", 0).build());
        assertThat(counters.skipped().count()).isEqualTo(3);
        assertThat(counters.skipped().named()).containsExactly("ktstr4j.results-0@0", "ktstr4j.results-0@1",
                "ktstr4j.results-0@2");
        assertThat(summaries(published())).hasSize(1);
        assertThat(counters.line()).contains("3 records skipped (ktstr4j.results-0@0");
    }

    @Test
    void aVariantWithTwoConclusionsOnOneCommitIsFlakyThenUpdated() {
        publish(result("r-0", "ci", "abc1234", 0).build());
        publish(failed(result("r-1", "ci", "abc1234", 1)).build());
        publish(result("r-2", "local", "abc1234", 2).build());
        publish(failed(result("r-3", "ci", "other99", 3)).build()); // another commit: its own line
        List<FlakyOutcomes> flaky = published().stream().map(Keyed::event)
                .filter(e -> e.body() instanceof FlakyOutcomes).map(e -> (FlakyOutcomes) e.body()).toList();
        assertThat(flaky).hasSize(2);
        assertThat(flaky.get(0).first()).isTrue();
        assertThat(flaky.get(0).outcomes()).isEqualTo(Map.of(Outcome.PASS, 1, Outcome.FAIL, 1));
        assertThat(flaky.get(0).resultId()).startsWith("r-1/");
        assertThat(flaky.get(1).first()).isFalse();
        assertThat(flaky.get(1).outcomes()).isEqualTo(Map.of(Outcome.PASS, 2, Outcome.FAIL, 1));
        assertThat(flaky.get(1).runs()).isEqualTo(3);
        assertThat(flaky.get(1).projectCommit()).isEqualTo("abc1234");
        assertThat(flaky.get(1).variant()).isEqualTo("steady/eevdf/1n2l2c1t/SpinWait/-/-/kvm");
    }
}
