package io.ktstr4j.stats;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;

/** Welch's t-test and the adjustments of many p-values (pure functions). */
public final class Significance {

    private Significance() {
    }

    /**
     * The two-sided p-value of Welch's t-test (unequal variances) between two samples of at least two values each.
     * Two samples without any spread differ with certainty when their means differ (p = 0) and not at all when they
     * are equal (p = 1); commons-math would divide by zero there.
     */
    public static double welchP(double[] a, double[] b) {
        if (a.length < 2 || b.length < 2) {
            throw new IllegalArgumentException("Welch's t-test needs two values a side, got " + a.length + " and "
                    + b.length);
        }
        if (StatUtils.variance(a) == 0 && StatUtils.variance(b) == 0) {
            return StatUtils.mean(a) == StatUtils.mean(b) ? 1.0 : 0.0;
        }
        return new TTest().tTest(a, b);
    }

    /** The adjusted p-values, in the order given. */
    public static double[] adjust(double[] p, Correction c) {
        return c == Correction.HOLM ? holm(p) : benjaminiHochberg(p);
    }

    /** Holm's step-down: the i-th smallest of m becomes max over j <= i of min(1, (m - j + 1) p_(j)). */
    public static double[] holm(double[] p) {
        int m = p.length;
        Integer[] order = order(p);
        double[] out = new double[m];
        double running = 0;
        for (int i = 0; i < m; i++) {
            double adj = Math.min(1.0, (m - i) * p[order[i]]);
            running = Math.max(running, adj);
            out[order[i]] = running;
        }
        return out;
    }

    /** Benjamini–Hochberg: the i-th smallest of m becomes min over j >= i of min(1, m p_(j) / j). */
    public static double[] benjaminiHochberg(double[] p) {
        int m = p.length;
        Integer[] order = order(p);
        double[] out = new double[m];
        double running = 1.0;
        for (int i = m - 1; i >= 0; i--) {
            double adj = Math.min(1.0, m * p[order[i]] / (i + 1));
            running = Math.min(running, adj);
            out[order[i]] = running;
        }
        return out;
    }

    private static Integer[] order(double[] p) {
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble(i -> p[i]));
        return idx;
    }
}
