package io.ktstr4j.pipeline.checks;

import java.util.Arrays;
import java.util.List;

/** Small statistics used by the checks: population mean/CV and nearest-rank percentiles (as ktstr computes them). */
public final class Stats {

    private Stats() {
    }

    public static double mean(double[] xs) {
        if (xs.length == 0) {
            return 0.0;
        }
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.length;
    }

    /** Coefficient of variation (population stddev / mean); 0 when fewer than two values or a zero mean. */
    public static double cv(double[] xs) {
        if (xs.length < 2) {
            return 0.0;
        }
        double m = mean(xs);
        if (m == 0.0) {
            return 0.0;
        }
        double ss = 0;
        for (double x : xs) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / xs.length) / Math.abs(m);
    }

    /** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
    public static long percentileNearestRank(long[] values, double pct) {
        if (values.length == 0) {
            throw new IllegalArgumentException("percentile of an empty set");
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(pct / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public static long[] concat(List<List<Long>> lists) {
        return lists.stream().flatMap(List::stream).mapToLong(Long::longValue).toArray();
    }
}
