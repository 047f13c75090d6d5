package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.metric.MetricRegistry;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.spec.RelativeTo;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Judges a variant against its baseline ({@code relative_to}): for each named metric, the ratio
 * {@code variant / baseline} on the same topology must be at least its {@code min_ratio} and at most its
 * {@code max_ratio}. A ratio out of bounds fails the variant ({@code Benchmark}, naming both values and the ratio);
 * a baseline without a passing result, or a metric either side lacks, leaves it inconclusive: there is nothing to
 * compare with, which is not the scheduler's fault.
 */
final class RelativeJudge {

    private RelativeJudge() {
    }

    /** {@code verdict} with the relative check's reasons added; unchanged unless the verdict was PASS or FAIL. */
    static Verdict apply(Verdict verdict, SidecarResult variant, VariantRelation.JudgedAgainst rel,
                         Optional<SidecarResult> baseline) {
        if (verdict.outcome() != Outcome.PASS && verdict.outcome() != Outcome.FAIL) {
            return verdict; // skipped, errored or already inconclusive: no metrics worth a ratio
        }
        RelativeTo check = rel.check();
        String against = "relative to " + check.scheduler() + " (" + rel.baselineKey() + ")";
        if (baseline.isEmpty() || baseline.get().effectiveOutcome() != Outcome.PASS) {
            String why = baseline.isEmpty() ? "has no result" : "did not pass ("
                    + baseline.get().effectiveOutcome() + ")";
            return add(verdict, List.of(new Reason(DetailKind.NOT_INITIALIZED, against + ": the baseline " + why
                    + ", so the ratios were not judged")), false);
        }
        List<Reason> failed = new ArrayList<>();
        List<Reason> missing = new ArrayList<>();
        judge(check.minRatio(), true, variant, baseline.get(), against, failed, missing);
        judge(check.maxRatio(), false, variant, baseline.get(), against, failed, missing);
        if (!failed.isEmpty()) {
            failed.addAll(missing);
            return add(verdict, failed, true);
        }
        return missing.isEmpty() ? verdict : add(verdict, missing, false);
    }

    private static void judge(Map<String, Double> bounds, boolean isMin, SidecarResult variant, SidecarResult base,
                              String against, List<Reason> failed, List<Reason> missing) {
        for (Map.Entry<String, Double> e : bounds.entrySet()) {
            String metric = e.getKey();
            int idx = MetricRegistry.indexOf(metric);
            Double v = MetricRegistry.read(idx, variant);
            Double b = MetricRegistry.read(idx, base);
            if (v == null || b == null) {
                missing.add(new Reason(DetailKind.NOT_INITIALIZED, against + ": " + metric + " is missing from the "
                        + (v == null ? "variant" : "baseline") + "'s result"));
                continue;
            }
            double ratio = ratio(v, b);
            boolean ok = isMin ? ratio >= e.getValue() : ratio <= e.getValue();
            if (!ok) {
                failed.add(new Reason(DetailKind.BENCHMARK, String.format(Locale.ROOT,
                        "%s: %s %s vs baseline %s = ratio %s, %s %s", against, metric, num(v), num(b), num(ratio),
                        isMin ? "below min_ratio" : "above max_ratio", num(e.getValue()))));
            }
        }
    }

    /** {@code v / b}; 0 / 0 is 1 (equal), x / 0 is infinite (any positive value is infinitely more than none). */
    static double ratio(double v, double b) {
        if (b == 0) {
            return v == 0 ? 1.0 : Double.POSITIVE_INFINITY;
        }
        return v / b;
    }

    private static String num(double x) {
        if (Double.isInfinite(x)) {
            return "inf";
        }
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? String.valueOf((long) x)
                : String.format(Locale.ROOT, "%.3g", x);
    }

    private static Verdict add(Verdict v, List<Reason> reasons, boolean fail) {
        List<Reason> all = new ArrayList<>(v.reasons());
        all.addAll(reasons);
        Outcome o = fail ? Outcome.FAIL : v.outcome() == Outcome.PASS ? Outcome.INCONCLUSIVE : v.outcome();
        return new Verdict(o, all, v.thresholds());
    }
}
