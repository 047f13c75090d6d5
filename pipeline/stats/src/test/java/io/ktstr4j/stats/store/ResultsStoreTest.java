package io.ktstr4j.stats.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.report.Metric;
import io.ktstr4j.schemas.report.PayloadMetrics;
import io.ktstr4j.schemas.report.Polarity;
import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.stats.CompareEngine;
import io.ktstr4j.stats.CompareOptions;
import io.ktstr4j.stats.CompareReport;
import io.ktstr4j.stats.Dimension;
import io.ktstr4j.stats.Finding;
import io.ktstr4j.stats.StatsInputException;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.TrialFilter;
import io.ktstr4j.stats.Trials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ResultsStoreTest {

    @TempDir
    Path tmp;

    public static SidecarResult result(String run, String scheduler, double spread) {
        return SidecarResult.builder().testName("steady").topology("1n2l2c1t").scheduler(scheduler)
                .workType("SpinWait").runId(run).timestamp("2026-12-01T10:00:00Z").variantKey("steady/tiny-2llc/"
                        + scheduler).backend("kvm").passed(true).outcome(Outcome.PASS)
                .stats(new ScenarioStats(List.of(), 4, 4, 7, spread, 12, 0, 0, 0, 0, 0, 1000, 0, 0, 0, 0, 0, 0,
                        Map.of()))
                .metrics(List.of(new PayloadMetrics(0, List.of(new Metric("rps", 99.5, Polarity.target(100), "rps",
                        Metric.Source.JSON, Metric.Stream.STDOUT)), 0)))
                .build();
    }

    static Path ktstrSidecars() throws Exception {
        return Path.of(ResultsStoreTest.class.getResource("/ktstr-sidecars").toURI());
    }

    @Test
    void ingestingTheSameResultTwiceStoresItOnce() throws Exception {
        ResultsStore store = ResultsStore.at(new StoreLocation.DuckDbFile(tmp.resolve("r.duckdb")));
        List<SidecarResult> results = List.of(result("run1", "eevdf", 5), result("run1", "scx_simple", 9));
        assertThat(store.ingest(results)).isEqualTo(new IngestResult(2, 0));
        assertThat(store.ingest(results)).isEqualTo(new IngestResult(0, 2));
        List<SidecarResult> withRepeat = new ArrayList<>(results);
        withRepeat.add(result("run2", "eevdf", 6));
        withRepeat.add(result("run2", "eevdf", 6));
        assertThat(store.ingest(withRepeat)).isEqualTo(new IngestResult(1, 3));
        assertThat(store.count()).isEqualTo(3);
    }

    @Test
    void aTrialReadsBackAsItWasWritten() throws Exception {
        ResultsStore store = ResultsStore.at(new StoreLocation.DuckDbFile(tmp.resolve("sub/dir/r.duckdb")));
        SidecarResult r = result("run1", "eevdf", 5.25);
        store.ingest(List.of(r));
        List<Trial> back = store.trials(true);
        assertThat(back).hasSize(1);
        Trial t = back.get(0);
        Trial expected = Trials.of(r);
        assertThat(t.id()).isEqualTo(expected.id());
        assertThat(t.variant()).isEqualTo(expected.variant());
        assertThat(t.values()).containsExactly(expected.values());
        assertThat(t.value("worst_spread")).isEqualTo(5.25);
        assertThat(t.value("max_dsq_depth")).as("no monitor: absent, not 0").isNull();
        assertThat(t.payload()).containsExactlyElementsOf(expected.payload());
        assertThat(t.dim(Dimension.RUN)).isEqualTo("run1");
        assertThat(t.dim(Dimension.DATE)).isEqualTo("2026-12-01");
        assertThat(store.sidecarJson(t.id())).contains("\"test_name\":\"steady\"");
    }

    @Test
    void aStoreThatDoesNotExistYetReadsAsEmptyAndIsNotCreatedByReading() throws Exception {
        Path f = tmp.resolve("none-yet.duckdb");
        ResultsStore store = ResultsStore.at(new StoreLocation.DuckDbFile(f));
        assertThat(store.trials(true)).isEmpty();
        assertThat(store.count()).isZero();
        assertThat(f).doesNotExist();
    }

    @Test
    void ktstrSidecarFoldersIngestAndBadFilesAreNamedAndSkipped() throws Exception {
        SidecarFolders.Loaded loaded = SidecarFolders.read(List.of(ktstrSidecars()));
        assertThat(loaded.files()).isEqualTo(8);
        assertThat(loaded.results()).hasSize(6);
        assertThat(loaded.bad()).hasSize(2);
        assertThat(loaded.bad().get(0)).contains("broken-00000000deadbeef.ktstr.json").contains("stats");
        assertThat(loaded.bad().get(1)).contains("truncated-00000000cafebabe.ktstr.json");

        ResultsStore store = ResultsStore.at(new StoreLocation.DuckDbFile(tmp.resolve("k.duckdb")));
        assertThat(store.ingest(loaded.results())).isEqualTo(new IngestResult(6, 0));
        assertThat(store.ingest(SidecarFolders.read(List.of(ktstrSidecars())).results()))
                .isEqualTo(new IngestResult(0, 6));
        // Beside ours: one of our results in the same store, then compare the ktstr schedulers.
        store.ingest(List.of(result("ours", "eevdf", 5)));
        List<Trial> pool = store.trials(true);
        assertThat(pool).hasSize(7);
        CompareReport r = CompareEngine.compare(pool, TrialFilter.parse("--a", List.of("scheduler=eevdf")),
                TrialFilter.parse("--b", List.of("scheduler=scx_lavd")), CompareOptions.DEFAULTS);
        assertThat(r.pairs()).hasSize(1);
        assertThat(r.pairs().get(0).commitsA()).containsEntry("project_commit", "a1b2c3d-dirty");
        assertThat(r.pairs().get(0).metrics().stream().filter(m -> m.metric().equals("worst_spread")).findFirst()
                .orElseThrow().finding()).isEqualTo(Finding.REGRESSION);
        assertThat(r.pairs().get(0).onlyOneSide()).containsKeys("max_imbalance_ratio", "total_fallback");
        assertThat(r.onlyInA()).hasSize(1); // our steady/eevdf has no scx_lavd partner
    }

    @Test
    void aMissingFolderIsRefusedNamingIt() {
        assertThatThrownBy(() -> SidecarFolders.read(List.of(tmp.resolve("nope"))))
                .isInstanceOf(StatsInputException.class).hasMessage(tmp.resolve("nope") + ": no such directory");
    }

    @Test
    void locationsParse() throws Exception {
        assertThat(StoreLocation.parse("none")).isInstanceOf(StoreLocation.None.class);
        assertThat(StoreLocation.parse("/x/y.duckdb")).isEqualTo(new StoreLocation.DuckDbFile(Path.of("/x/y.duckdb")));
        assertThat(StoreLocation.parse("jdbc:duckdb:/x/y.duckdb"))
                .isEqualTo(new StoreLocation.DuckDbFile(Path.of("/x/y.duckdb")));
        StoreLocation pg = StoreLocation.parse("jdbc:postgresql://db:5432/k?user=u&password=secret");
        assertThat(pg).isInstanceOf(StoreLocation.JdbcUrl.class);
        assertThat(pg.describe()).doesNotContain("secret");
        assertThatThrownBy(() -> StoreLocation.parse(tmp.toString())).hasMessageContaining("a directory");
        assertThat(Files.exists(tmp)).isTrue();
    }
}
