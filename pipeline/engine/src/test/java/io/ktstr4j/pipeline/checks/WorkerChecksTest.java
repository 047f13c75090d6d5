package io.ktstr4j.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerChecksTest {

    static final long SEC = 1_000_000_000L;

    /** A healthy worker: 2 s wall, given off-CPU share, small gap, on the given cpus. */
    static WorkerSample worker(long tid, long work, double offPct, long gapMs, Set<Integer> cpus) {
        return new WorkerSample(tid, work, (long) (2 * SEC * (1 - offPct / 100)), 2 * SEC, (long) (2 * SEC * offPct / 100),
                3, cpus, gapMs, 1, 700, List.of(), work / 1024, Map.of(), 0, false, 0);
    }

    static Thresholds release() {
        return Thresholds.resolve(ThresholdMode.RELEASE);
    }

    @Test
    void healthyCgroupPassesEveryDefaultCheck() {
        var r = WorkerChecks.evaluate(List.of(CgroupReports.of("cg0", List.of(
                worker(1, 100_000, 10, 40, Set.of(0)), worker(2, 95_000, 14, 60, Set.of(1))))), release());
        assertThat(r.findings()).isEmpty();
        assertThat(r.unjudged()).isEmpty();
        assertThat(r.cgroups().get(0).spread()).isCloseTo(4.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(r.cgroups().get(0).maxGapMs()).isEqualTo(60);
    }

    @Test
    void workerWithZeroWorkIsStarved() {
        var r = WorkerChecks.evaluate(List.of(CgroupReports.of("cg0", List.of(
                worker(1, 100_000, 10, 40, Set.of(0)), worker(7, 0, 10, 40, Set.of(0))))), release());
        assertThat(r.findings()).extracting(Finding::kind).containsExactly(FindingKind.STARVED);
        assertThat(r.findings().get(0).message()).contains("tid 7").contains("cg0");
    }

    @Test
    void spreadAboveFifteenPercentIsUnfairInReleaseButNotInDebug() {
        var cg = List.of(CgroupReports.of("cg0", List.of(
                worker(1, 100_000, 5, 40, Set.of(0)), worker(2, 50_000, 30, 40, Set.of(0)))));
        var rel = WorkerChecks.evaluate(cg, release());
        assertThat(rel.findings()).extracting(Finding::kind).containsExactly(FindingKind.UNFAIR);
        assertThat(rel.findings().get(0).message()).contains("25.0%").contains("> 15.0%");
        assertThat(WorkerChecks.evaluate(cg, Thresholds.resolve(ThresholdMode.DEBUG)).findings()).isEmpty();
    }

    @Test
    void gapAboveTwoSecondsIsStuckWithCpuAndTime() {
        var cg = List.of(CgroupReports.of("cg0", List.of(
                worker(1, 100_000, 10, 2500, Set.of(0)), worker(2, 100_000, 10, 40, Set.of(1)))));
        var r = WorkerChecks.evaluate(cg, release());
        assertThat(r.findings()).extracting(Finding::kind).containsExactly(FindingKind.STUCK);
        assertThat(r.findings().get(0).message()).startsWith("stuck 2500ms on cpu1 at +700ms");
        assertThat(WorkerChecks.evaluate(cg, Thresholds.resolve(ThresholdMode.DEBUG)).findings()).isEmpty();
    }

    @Test
    void isolationIsOffByDefaultAndCatchesForeignCpuWhenOn() {
        var cg = List.of(new CgroupReports("cg0", List.of(worker(1, 100_000, 10, 40, Set.of(0, 3))),
                Set.of(0, 1), Set.of(), Set.of()));
        assertThat(WorkerChecks.evaluate(cg, release()).findings()).isEmpty();
        Thresholds on = Thresholds.resolve(ThresholdMode.RELEASE,
                AssertThresholds.builder().isolation(true).build());
        var r = WorkerChecks.evaluate(cg, on);
        assertThat(r.findings()).extracting(Finding::kind).containsExactly(FindingKind.ISOLATION);
        assertThat(r.findings().get(0).message()).contains("[3]");
    }

    @Test
    void benchmarkChecksFireOnlyWhenSet() {
        WorkerSample fast = new WorkerSample(1, 200_000, 2 * SEC, 2 * SEC, 0, 0, Set.of(0), 10, 0, 0,
                List.of(1_000L, 2_000L, 3_000L, 50_000L), 1000, Map.of(0, 90L, 1, 10L), 30, false, 0);
        WorkerSample slow = new WorkerSample(2, 20_000, 2 * SEC, 2 * SEC, 0, 400, Set.of(1), 10, 0, 0,
                List.of(1_000L), 100, Map.of(0, 100L), 0, false, 0);
        var cg = List.of(new CgroupReports("cg0", List.of(fast, slow), Set.of(0, 1), Set.of(0), Set.of(1)));
        assertThat(WorkerChecks.evaluate(cg, release()).findings()).isEmpty();

        Thresholds strict = Thresholds.resolve(ThresholdMode.RELEASE,
                AssertThresholds.builder()
                .maxThroughputCv(0.2).minWorkRate(50_000.0).maxP99WakeLatencyNs(10_000L).maxWakeLatencyCv(0.5)
                .minIterationRate(100.0).maxMigrationRatio(0.1).minPageLocality(0.96)
                .maxCrossNodeMigrationRatio(0.1).maxSlowTierRatio(0.01).build());
        var r = WorkerChecks.evaluate(cg, strict);
        assertThat(r.findings()).extracting(Finding::kind).contains(FindingKind.BENCHMARK, FindingKind.MIGRATION,
                FindingKind.PAGE_LOCALITY, FindingKind.CROSS_NODE_MIGRATION, FindingKind.SLOW_TIER);
        assertThat(r.findings()).anyMatch(f -> f.message().contains("p99 wake latency 50000 ns"));
        assertThat(r.findings()).anyMatch(f -> f.message().contains("throughput CV"));
        assertThat(r.findings()).anyMatch(f -> f.message().contains("tid 2") && f.message().contains("work rate"));
        assertThat(r.findings()).anyMatch(f -> f.message().contains("iteration rate 50.0/s"));
        var s = r.cgroups().get(0);
        assertThat(s.migrationRatio()).isEqualTo(400.0 / 1100);
        assertThat(s.pageLocality()).isEqualTo(190.0 / 200);
        assertThat(s.slowTierRatio()).isEqualTo(10.0 / 200);
    }

    @Test
    void thresholdWithoutDataIsUnjudgedNotPassed() {
        var cg = List.of(CgroupReports.of("cg0", List.of(worker(1, 100_000, 10, 40, Set.of(0)))));
        Thresholds t = Thresholds.resolve(ThresholdMode.RELEASE,
                AssertThresholds.builder().maxP99WakeLatencyNs(1000L).build());
        var r = WorkerChecks.evaluate(cg, t);
        assertThat(r.findings()).isEmpty();
        assertThat(r.unjudged()).hasSize(1);
        assertThat(WorkerChecks.evaluate(List.of(), release()).unjudged()).hasSize(1);
    }
}
