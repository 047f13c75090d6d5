package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.spec.RelativeTo;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelativeJudgeTest {

    static final String BASE_KEY = "t/tiny-2llc/eevdf";

    /** A passing result with the given total iterations and worst mean run delay (µs). */
    static SidecarResult result(String scheduler, long iterations, double meanRunDelayUs, Outcome outcome) {
        ScenarioStats stats = new ScenarioStats(List.of(), 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, iterations, meanRunDelayUs,
                0, 0, 0, 0, 0, Map.of());
        return SidecarResult.builder().testName("t").topology("1n2l2c1t").scheduler(scheduler).workType("CpuSpin")
                .timestamp("2026-12-03T10:00:00Z").runId("r1").stats(stats).outcome(outcome)
                .passed(outcome.ktstrPassed()).skipped(outcome.ktstrSkipped()).build();
    }

    static VariantRelation.JudgedAgainst rel(Map<String, Double> min, Map<String, Double> max) {
        return new VariantRelation.JudgedAgainst(BASE_KEY, new RelativeTo("eevdf", min, max));
    }

    @Test
    void ratiosWithinTheirBoundsKeepThePass() {
        Verdict v = RelativeJudge.apply(Verdict.pass(null), result("scx", 13_000, 70, Outcome.PASS),
                rel(Map.of("total_iterations", 1.3), Map.of("worst_mean_run_delay_us", 0.7)),
                Optional.of(result("eevdf", 10_000, 100, Outcome.PASS)));
        assertThat(v.outcome()).isEqualTo(Outcome.PASS);
        assertThat(v.reasons()).isEmpty();
    }

    @Test
    void aRatioOutOfBoundsFailsNamingBothValuesAndTheRatio() {
        Verdict v = RelativeJudge.apply(Verdict.pass(null), result("scx", 12_000, 80, Outcome.PASS),
                rel(Map.of("total_iterations", 1.3), Map.of("worst_mean_run_delay_us", 0.7)),
                Optional.of(result("eevdf", 10_000, 100, Outcome.PASS)));
        assertThat(v.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(v.reasons()).extracting(Reason::kind).containsOnly(DetailKind.BENCHMARK);
        assertThat(v.reasons()).extracting(Reason::message).containsExactlyInAnyOrder(
                "relative to eevdf (t/tiny-2llc/eevdf): total_iterations 12000 vs baseline 10000 = ratio 1.20, "
                        + "below min_ratio 1.30",
                "relative to eevdf (t/tiny-2llc/eevdf): worst_mean_run_delay_us 80 vs baseline 100 = ratio 0.800, "
                        + "above max_ratio 0.700");
    }

    @Test
    void aFailedVariantKeepsItsReasonsAndGainsTheRatios() {
        Verdict failed = new Verdict(Outcome.FAIL, List.of(new Reason(DetailKind.STUCK, "stuck")), null);
        Verdict v = RelativeJudge.apply(failed, result("scx", 5_000, 100, Outcome.FAIL),
                rel(Map.of("total_iterations", 1.0), Map.of()), Optional.of(result("eevdf", 10_000, 100, Outcome.PASS)));
        assertThat(v.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(v.reasons()).extracting(Reason::kind).containsExactly(DetailKind.STUCK, DetailKind.BENCHMARK);
    }

    @Test
    void withoutAPassingBaselineThereIsNothingToCompare() {
        RelativeTo check = new RelativeTo("eevdf", Map.of("total_iterations", 1.3), null);
        VariantRelation.JudgedAgainst r = new VariantRelation.JudgedAgainst(BASE_KEY, check);
        Verdict none = RelativeJudge.apply(Verdict.pass(null), result("scx", 1, 1, Outcome.PASS), r, Optional.empty());
        assertThat(none.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(none.reasons()).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(DetailKind.NOT_INITIALIZED);
            assertThat(x.message()).contains("the baseline has no result");
        });
        Verdict baseFailed = RelativeJudge.apply(Verdict.pass(null), result("scx", 1, 1, Outcome.PASS), r,
                Optional.of(result("eevdf", 10, 1, Outcome.FAIL)));
        assertThat(baseFailed.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(baseFailed.reasons().get(0).message()).contains("did not pass (FAIL)");
    }

    @Test
    void skippedAndErroredVariantsAreLeftAlone() {
        Verdict err = new Verdict(Outcome.ERROR, List.of(new Reason(DetailKind.INFRASTRUCTURE, "no VM")), null);
        assertThat(RelativeJudge.apply(err, result("scx", 1, 1, Outcome.ERROR), rel(Map.of("total_iterations", 2.0),
                Map.of()), Optional.empty())).isEqualTo(err);
    }

    @Test
    void zeroBaselinesGiveEqualOrInfiniteRatios() {
        assertThat(RelativeJudge.ratio(0, 0)).isEqualTo(1.0);
        assertThat(RelativeJudge.ratio(5, 0)).isInfinite();
        assertThat(RelativeJudge.ratio(5, 10)).isEqualTo(0.5);
        Verdict v = RelativeJudge.apply(Verdict.pass(null), result("scx", 10, 5, Outcome.PASS),
                rel(Map.of(), Map.of("worst_mean_run_delay_us", 2.0)), Optional.of(result("eevdf", 10, 0, Outcome.PASS)));
        assertThat(v.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(v.reasons().get(0).message()).contains("= ratio inf, above max_ratio 2");
    }
}
