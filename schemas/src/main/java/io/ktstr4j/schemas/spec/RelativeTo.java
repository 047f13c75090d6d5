package io.ktstr4j.schemas.spec;

import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import java.util.Map;
import java.util.TreeMap;

/**
 * A baseline-relative check ({@code relative_to}): the gauntlet also runs the test under {@code scheduler} on every
 * topology, and then judges each variant by the ratio of its metric to the baseline's on the same topology
 * ({@code variant / baseline}). Scx did this by hand in its mitosis isolation test; here it is data.
 *
 * @param scheduler the baseline: {@code eevdf}, a scheduler binary path, or a name shipped next to the kernel
 * <p>Metric names are checked against the metric registry by the planner (the registry reads results, which
 * depend on specs: checking here would make the packages a cycle).
 *
 * @param minRatio  metric → the smallest ratio that passes (e.g. {@code total_iterations: 1.3})
 * @param maxRatio  metric → the largest ratio that passes (e.g. {@code worst_mean_run_delay_us: 0.7})
 */
public record RelativeTo(String scheduler, Map<String, Double> minRatio, Map<String, Double> maxRatio) {

    public RelativeTo {
        Validate.nonBlank("scheduler", scheduler);
        minRatio = ratios("min_ratio", minRatio);
        maxRatio = ratios("max_ratio", maxRatio);
        if (minRatio.isEmpty() && maxRatio.isEmpty()) {
            throw new InvalidFieldException("min_ratio", "names no metric: give min_ratio and/or max_ratio");
        }
    }

    private static Map<String, Double> ratios(String field, Map<String, Double> in) {
        if (in == null) {
            return Map.of();
        }
        Map<String, Double> out = new TreeMap<>();
        for (Map.Entry<String, Double> e : in.entrySet()) {
            String where = field + "." + e.getKey();
            Double r = e.getValue();
            if (r == null || !(r > 0) || r.isInfinite()) {
                throw new InvalidFieldException(where, "must be a positive ratio, got " + r);
            }
            out.put(e.getKey(), r);
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
