package io.ktstr4j.stats;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;

/**
 * One side's values of one metric: count, mean, standard deviation and the {@code 1 - alpha} confidence interval of
 * the mean (Student's t). With one value there is no spread: sd and interval are null.
 *
 * @param n      values
 * @param mean   arithmetic mean
 * @param sd     sample standard deviation, null for one value
 * @param ciLow  lower end of the interval, null for one value
 * @param ciHigh upper end of the interval, null for one value
 */
public record SideStats(int n, double mean, Double sd, Double ciLow, Double ciHigh) {

    /** t quantiles by degrees of freedom and probability: the inverse CDF is costly and the keys are few. */
    private static final java.util.Map<Long, Double> QUANTILES = new java.util.concurrent.ConcurrentHashMap<>();

    static double tQuantile(int df, double p) {
        long key = ((long) df << 32) ^ Double.hashCode(p);
        return QUANTILES.computeIfAbsent(key, k -> new TDistribution(null, df).inverseCumulativeProbability(p));
    }

    public static SideStats of(double[] values, double alpha) {
        if (values.length == 0) {
            throw new IllegalArgumentException("values: none");
        }
        double mean = StatUtils.mean(values);
        if (values.length == 1) {
            return new SideStats(1, mean, null, null, null);
        }
        double sd = Math.sqrt(StatUtils.variance(values, mean));
        double half = tQuantile(values.length - 1, 1 - alpha / 2) * sd / Math.sqrt(values.length);
        return new SideStats(values.length, mean, sd, mean - half, mean + half);
    }
}
