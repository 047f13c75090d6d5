package io.ktstr4j.stats;

import static io.ktstr4j.stats.Results.result;
import static io.ktstr4j.stats.Results.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.verdict.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareEngineTest {

    static final TrialFilter EEVDF = TrialFilter.parse("--a", List.of("scheduler=eevdf"));
    static final TrialFilter SIMPLE = TrialFilter.parse("--b", List.of("scheduler=scx_simple"));

    /** Three trials a side of one test, each trial's stats from the arrays. */
    static List<SidecarResult> sides(double[] spreadA, double[] spreadB, long[] gapA, long[] gapB, long[] migA,
                                     long[] migB, long[] itA, long[] itB) {
        List<SidecarResult> out = new ArrayList<>();
        for (int i = 0; i < spreadA.length; i++) {
            out.add(result("steady", "eevdf", "run" + i, i).stats(stats(spreadA[i], gapA[i], migA[i], itA[i]))
                    .build());
            out.add(result("steady", "scx_simple", "run" + i, i).stats(stats(spreadB[i], gapB[i], migB[i], itB[i]))
                    .build());
        }
        return out;
    }

    static MetricComparison metric(CompareReport r, String name) {
        return r.pairs().get(0).metrics().stream().filter(m -> m.metric().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aDeltaPastBothGatesAndSignificantIsARegressionOthersAreNot() {
        List<Trial> pool = Results.trials(sides(
                new double[] {10, 10.5, 9.5}, new double[] {20, 20.5, 19.5},     // spread +10: past 5 and 25 %
                new long[] {100, 110, 90}, new long[] {120, 130, 110},           // gap +20 ms: within the 500 ms gate
                new long[] {10, 100, 40}, new long[] {80, 20, 120},              // migrations +23 (46 %): past, noisy
                new long[] {1000, 1000, 1000}, new long[] {1000, 1000, 1000}));
        CompareReport r = CompareEngine.compare(pool, EEVDF, SIMPLE, CompareOptions.DEFAULTS);

        assertThat(r.slicing()).containsExactly("scheduler");
        assertThat(r.pairs()).hasSize(1);
        MetricComparison spread = metric(r, "worst_spread");
        assertThat(spread.finding()).isEqualTo(Finding.REGRESSION);
        assertThat(spread.a().n()).isEqualTo(3);
        assertThat(spread.a().mean()).isEqualTo(10.0);
        assertThat(spread.a().sd()).isEqualTo(0.5);
        assertThat(spread.a().ciLow()).isLessThan(10).isGreaterThan(8);
        assertThat(spread.pAdjusted()).isLessThan(0.05);

        MetricComparison gap = metric(r, "worst_gap_ms");
        assertThat(gap.pastGates()).isFalse();
        assertThat(gap.finding()).isEqualTo(Finding.UNCHANGED);

        MetricComparison mig = metric(r, "total_migrations");
        assertThat(mig.pastGates()).as("past both gates").isTrue();
        assertThat(mig.pValue()).isGreaterThan(0.05);
        assertThat(mig.finding()).isEqualTo(Finding.NOISE);

        assertThat(r.regressions()).isEqualTo(1);
        assertThat(r.noise()).isEqualTo(1);
        assertThat(r.hasRegression()).isTrue();
    }

    @Test
    void polarityDecidesTheDirection() {
        // Fewer iterations (higher is better) regress; less spread (lower is better) improves.
        List<Trial> pool = Results.trials(sides(
                new double[] {20, 21, 19}, new double[] {5, 5.5, 4.5},
                new long[] {1, 1, 1}, new long[] {1, 1, 1}, new long[] {0, 0, 0}, new long[] {0, 0, 0},
                new long[] {10_000, 10_100, 9_900}, new long[] {5_000, 5_100, 4_900}));
        CompareReport r = CompareEngine.compare(pool, EEVDF, SIMPLE, CompareOptions.DEFAULTS);
        assertThat(metric(r, "total_iterations").finding()).isEqualTo(Finding.REGRESSION);
        assertThat(metric(r, "worst_spread").finding()).isEqualTo(Finding.IMPROVEMENT);

        CompareReport reversed = CompareEngine.compare(pool, TrialFilter.parse("--a", List.of("scheduler=scx_simple")),
                TrialFilter.parse("--b", List.of("scheduler=eevdf")), CompareOptions.DEFAULTS);
        assertThat(metric(reversed, "total_iterations").finding()).isEqualTo(Finding.IMPROVEMENT);
        assertThat(metric(reversed, "worst_spread").finding()).isEqualTo(Finding.REGRESSION);
    }

    @Test
    void holmTurnsAMarginalDeltaIntoNoiseWhenSeveralMetricsAreTested() {
        // spread 12 -> 18, sd 2 a side: Welch p = 0.0213 (R: t.test(c(10,12,14), c(16,18,20))). Gap and iterations
        // are tested too (p = 1), so Holm multiplies the smallest p by 3: 0.064 > 0.05.
        List<Trial> pool = Results.trials(sides(
                new double[] {10, 12, 14}, new double[] {16, 18, 20},
                new long[] {100, 110, 90}, new long[] {100, 110, 90}, new long[] {0, 0, 0}, new long[] {0, 0, 0},
                new long[] {1000, 1010, 990}, new long[] {1000, 1010, 990}));
        CompareReport r = CompareEngine.compare(pool, EEVDF, SIMPLE, CompareOptions.DEFAULTS);
        MetricComparison spread = metric(r, "worst_spread");
        assertThat(spread.pValue()).isCloseTo(0.0213, org.assertj.core.data.Offset.offset(0.0005));
        assertThat(spread.pAdjusted()).isCloseTo(3 * spread.pValue(), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(spread.finding()).isEqualTo(Finding.NOISE);

        // With a looser alpha the same delta is a regression.
        CompareReport loose = CompareEngine.compare(pool, EEVDF, SIMPLE, CompareOptions.builder().alpha(0.1).build());
        assertThat(metric(loose, "worst_spread").finding()).isEqualTo(Finding.REGRESSION);

        // One family per comparison: a second test with the same data doubles the tested metrics (6), so Holm
        // multiplies the smallest p by 6 and alpha 0.1 no longer makes it a regression (per variant it would).
        List<SidecarResult> two = new ArrayList<>();
        for (SidecarResult x : sides(new double[] {10, 12, 14}, new double[] {16, 18, 20},
                new long[] {100, 110, 90}, new long[] {100, 110, 90}, new long[] {0, 0, 0}, new long[] {0, 0, 0},
                new long[] {1000, 1010, 990}, new long[] {1000, 1010, 990})) {
            two.add(x);
            two.add(x.toBuilder().testName("steady2").variantKey(x.variantKey().replace("steady", "steady2")).build());
        }
        CompareReport both = CompareEngine.compare(Results.trials(two), EEVDF, SIMPLE,
                CompareOptions.builder().alpha(0.1).build());
        assertThat(both.pairs()).hasSize(2);
        for (PairComparison pc : both.pairs()) {
            MetricComparison m = pc.metrics().stream().filter(x -> x.metric().equals("worst_spread")).findFirst()
                    .orElseThrow();
            assertThat(m.pAdjusted()).isCloseTo(6 * m.pValue(), org.assertj.core.data.Offset.offset(1e-12));
            assertThat(m.finding()).isEqualTo(Finding.NOISE);
        }
    }

    @Test
    void withFewerThanThreeTrialsTheDualGateAloneDecidesAsInKtstr() {
        List<SidecarResult> results = new ArrayList<>();
        results.add(result("steady", "eevdf", "r1", 0).stats(stats(10, 0, 0, 0)).build());
        results.add(result("steady", "scx_simple", "r1", 0).stats(stats(16, 0, 0, 0)).build());
        CompareReport r = CompareEngine.compare(Results.trials(results), EEVDF, SIMPLE, CompareOptions.DEFAULTS);
        MetricComparison spread = metric(r, "worst_spread");
        assertThat(spread.pValue()).isNull();
        assertThat(spread.a().sd()).isNull();
        assertThat(spread.finding()).isEqualTo(Finding.REGRESSION);
    }

    @Test
    void thresholdAndPolicyChangeTheRelativeGate() {
        List<SidecarResult> results = new ArrayList<>();
        results.add(result("steady", "eevdf", "r1", 0).stats(stats(20, 0, 0, 0)).build());
        results.add(result("steady", "scx_simple", "r1", 0).stats(stats(26, 0, 0, 0)).build()); // +6, 30 %
        List<Trial> pool = Results.trials(results);
        assertThat(metric(CompareEngine.compare(pool, EEVDF, SIMPLE, CompareOptions.DEFAULTS), "worst_spread")
                .finding()).isEqualTo(Finding.REGRESSION);
        CompareOptions t40 = CompareOptions.builder().policy(ComparisonPolicy.uniform(40)).build();
        assertThat(metric(CompareEngine.compare(pool, EEVDF, SIMPLE, t40), "worst_spread").finding())
                .isEqualTo(Finding.UNCHANGED);
        CompareOptions per = CompareOptions.builder().policy(new ComparisonPolicy(40.0,
                java.util.Map.of("worst_spread", 10.0))).build();
        assertThat(metric(CompareEngine.compare(pool, EEVDF, SIMPLE, per), "worst_spread").relGate()).isEqualTo(0.10);
    }

    @Test
    void failedAndSkippedTrialsStayOutOfTheMeansAndAreListed() {
        List<SidecarResult> results = new ArrayList<>(sides(new double[] {10, 10, 10}, new double[] {10, 10, 10},
                new long[] {1, 1, 1}, new long[] {1, 1, 1}, new long[] {1, 1, 1}, new long[] {1, 1, 1},
                new long[] {1, 1, 1}, new long[] {1, 1, 1}));
        results.add(result("steady", "scx_simple", "run9", 9).stats(stats(900, 0, 0, 0)).passed(false)
                .outcome(Outcome.FAIL).build());
        results.add(result("steady", "scx_simple", "run10", 10).passed(true).skipped(true).outcome(Outcome.SKIP)
                .build());
        CompareReport r = CompareEngine.compare(Results.trials(results), EEVDF, SIMPLE, CompareOptions.DEFAULTS);
        PairComparison p = r.pairs().get(0);
        assertThat(p.trialsB()).isEqualTo(5);
        assertThat(metric(r, "worst_spread").b().n()).isEqualTo(3);
        assertThat(metric(r, "worst_spread").b().mean()).isEqualTo(10.0);
        assertThat(p.excluded()).extracting(x -> x.side() + " " + x.runId() + " " + x.outcome())
                .containsExactly("B run9 FAIL", "B run10 SKIP");
        assertThat(r.hasRegression()).isFalse();
    }

    @Test
    void dirtyAndCleanTreesOfOneCommitPairAndAreMarkedMixed() {
        List<SidecarResult> results = new ArrayList<>();
        results.add(result("steady", "eevdf", "r1", 0).stats(stats(10, 0, 0, 0)).build());
        results.add(result("steady", "eevdf", "r2", 1).projectCommit("abc1234-dirty").stats(stats(10, 0, 0, 0)).build());
        results.add(result("steady", "scx_simple", "r1", 0).stats(stats(10, 0, 0, 0)).build());
        CompareReport r = CompareEngine.compare(Results.trials(results), EEVDF, SIMPLE, CompareOptions.DEFAULTS);
        assertThat(r.pairs()).hasSize(1);
        assertThat(r.pairs().get(0).commitsA()).containsEntry("project_commit", "abc1234+mixed");
        assertThat(r.pairs().get(0).commitsB()).containsEntry("project_commit", "abc1234");
    }

    @Test
    void aKvmResultNeverPairsWithAQemuOneUnlessBackendSlices() {
        List<SidecarResult> results = new ArrayList<>();
        results.add(result("steady", "eevdf", "r1", 0).stats(stats(10, 0, 0, 0)).build());
        results.add(result("steady", "scx_simple", "r1", 0).backend("qemu").stats(stats(10, 0, 0, 0)).build());
        results.add(result("steady", "eevdf", "r2", 1).backend("qemu").stats(stats(12, 0, 0, 0)).build());
        List<Trial> pool = Results.trials(results);
        // backend constrained on one side only narrows that side and still pairs
        TrialFilter eevdfKvm = TrialFilter.parse("--a", List.of("scheduler=eevdf", "backend=kvm"));
        assertThatThrownBy(() -> CompareEngine.compare(pool, eevdfKvm, SIMPLE, CompareOptions.DEFAULTS))
                .isInstanceOf(StatsInputException.class).hasMessageContaining("the sides pair nothing")
                .hasMessageContaining("backend");
        CompareReport r = CompareEngine.compare(pool, TrialFilter.parse("--a", List.of("backend=kvm")),
                TrialFilter.parse("--b", List.of("backend=qemu")), CompareOptions.DEFAULTS);
        assertThat(r.slicing()).containsExactly("backend");
        assertThat(r.pairs()).extracting(PairComparison::testName).containsExactly("steady"); // eevdf with eevdf
        assertThat(r.onlyInB()).hasSize(1); // scx_simple on qemu has no kvm partner
    }

    @Test
    void noAverageComparesTrialByTrialInTimeOrder() {
        List<Trial> pool = Results.trials(sides(new double[] {10, 20, 30}, new double[] {10, 20, 30},
                new long[] {1, 1, 1}, new long[] {1, 1, 1}, new long[] {1, 1, 1}, new long[] {1, 1, 1},
                new long[] {1, 1, 1}, new long[] {1, 1, 1}));
        CompareReport r = CompareEngine.compare(pool, EEVDF, SIMPLE, CompareOptions.builder().average(false).build());
        assertThat(r.pairs()).hasSize(3);
        assertThat(r.pairs()).allSatisfy(p -> assertThat(p.metrics()).allSatisfy(m -> {
            assertThat(m.a().n()).isEqualTo(1);
            assertThat(m.delta()).isZero();
        }));
    }

    @Test
    void payloadMetricsJoinWithTheirOwnPolarity() {
        List<SidecarResult> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(result("steady", "eevdf", "r" + i, i).metrics(List.of(payload(1000 + i, 50))).build());
            results.add(result("steady", "scx_simple", "r" + i, i).metrics(List.of(payload(500 + i, 90))).build());
        }
        CompareReport r = CompareEngine.compare(Results.trials(results), EEVDF, SIMPLE, CompareOptions.DEFAULTS);
        assertThat(metric(r, "rps").finding()).isEqualTo(Finding.REGRESSION);     // higher better, halved
        assertThat(metric(r, "phases").finding()).isEqualTo(Finding.INFORMATIONAL); // Unknown polarity
    }

    static io.ktstr4j.schemas.report.PayloadMetrics payload(double rps, double phases) {
        return new io.ktstr4j.schemas.report.PayloadMetrics(0, List.of(
                new io.ktstr4j.schemas.report.Metric("rps", rps, io.ktstr4j.schemas.report.Polarity.HIGHER_BETTER,
                        "rps", io.ktstr4j.schemas.report.Metric.Source.JSON,
                        io.ktstr4j.schemas.report.Metric.Stream.STDOUT),
                new io.ktstr4j.schemas.report.Metric("phases", phases, io.ktstr4j.schemas.report.Polarity.UNKNOWN,
                        "", io.ktstr4j.schemas.report.Metric.Source.JSON,
                        io.ktstr4j.schemas.report.Metric.Stream.STDOUT)), 0);
    }

    @Test
    void hostDifferencesBetweenTheSidesAreListed() {
        List<SidecarResult> results = new ArrayList<>();
        results.add(result("steady", "eevdf", "r1", 0).host(Results.host("Xeon", "performance"))
                .stats(stats(10, 0, 0, 0)).build());
        results.add(result("steady", "scx_simple", "r1", 0).host(Results.host("Xeon", "powersave"))
                .stats(stats(10, 0, 0, 0)).build());
        CompareReport r = CompareEngine.compare(Results.trials(results), EEVDF, SIMPLE, CompareOptions.DEFAULTS);
        assertThat(r.hostDifferences()).extracting(d -> d.field() + ": " + d.valuesA() + " vs " + d.valuesB())
                .containsExactly("cpufreq_governor.0: [performance] vs [powersave]");
    }

    @Test
    void aSideThatLostEveryPassIsARegressionAndOverlappingSidesAreRefused() {
        List<SidecarResult> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(result("steady", "eevdf", "run" + i, i).stats(stats(10, 1, 1, 1)).build());
            results.add(result("steady", "scx_simple", "run" + i, i).stats(stats(10, 1, 1, 1)).passed(false)
                    .outcome(Outcome.FAIL).build());
        }
        CompareReport r = CompareEngine.compare(Results.trials(results), EEVDF, SIMPLE, CompareOptions.DEFAULTS);
        assertThat(r.regressions()).isZero(); // no metric on B to regress...
        assertThat(r.pairs().get(0).lostEveryPass()).isTrue();
        assertThat(r.hasRegression()).isTrue(); // ...but every pass turned into a failure
        assertThat(TextReports.compare(r)).contains("REGRESSION steady").contains("no passing trial on B (FAIL, FAIL, FAIL)");

        // run0 on both sides: its trials would count for A and for B
        assertThatThrownBy(() -> CompareEngine.compare(Results.trials(results),
                TrialFilter.parse("--a", List.of("run=run0", "run=run1")),
                TrialFilter.parse("--b", List.of("run=run0", "run=run2")), CompareOptions.DEFAULTS))
                .isInstanceOf(StatsInputException.class)
                .hasMessageStartingWith("--a run=run0 --a run=run1 and --b run=run0 --b run=run2 both match 2 results");
    }

    @Test
    void aTargetValueMetricEquallyFarOnBothSidesIsNeitherBetterNorWorse() {
        assertThat(CompareEngine.worse(io.ktstr4j.schemas.report.Polarity.target(75), 70, 80)).isNull();
        assertThat(CompareEngine.worse(io.ktstr4j.schemas.report.Polarity.target(75), 70, 90)).isTrue();
    }

    @Test
    void badInputIsRefusedNamingTheProblem() {
        List<Trial> pool = Results.trials(sides(new double[] {1}, new double[] {1}, new long[] {1}, new long[] {1},
                new long[] {1}, new long[] {1}, new long[] {1}, new long[] {1}));
        assertThatThrownBy(() -> CompareEngine.compare(List.of(), EEVDF, SIMPLE, CompareOptions.DEFAULTS))
                .isInstanceOf(StatsInputException.class).hasMessageContaining("the pool is empty");
        assertThatThrownBy(() -> CompareEngine.compare(pool, EEVDF, TrialFilter.parse("--b",
                List.of("scheduler=scx_nope")), CompareOptions.DEFAULTS))
                .isInstanceOf(StatsInputException.class)
                .hasMessageStartingWith("--b scheduler=scx_nope matches no result");
        assertThatThrownBy(() -> CompareEngine.compare(pool, EEVDF, EEVDF, CompareOptions.DEFAULTS))
                .isInstanceOf(StatsInputException.class).hasMessageContaining("do not differ");
        assertThatThrownBy(() -> TrialFilter.parse("--a", List.of("kernal=6.12")))
                .isInstanceOf(StatsInputException.class).hasMessageContaining("unknown dimension 'kernal'");
        assertThatThrownBy(() -> TrialFilter.parse("--a", List.of("scheduler")))
                .isInstanceOf(StatsInputException.class).hasMessageContaining("expected DIM=VALUE");
    }
}
