package io.ktstr4j.stats;

import java.util.List;

/**
 * The answer of {@link CompareEngine}: what sliced, what paired, every paired variant, what did not pair, how the hosts
 * differ.
 *
 * @param sideA           how side A was chosen (its filter)
 * @param sideB           how side B was chosen
 * @param slicing         the dimensions that differ between the sides
 * @param pairing         the dimensions in the pairing key (with the test name)
 * @param alpha           the significance level used
 * @param correction      the multiple-comparison adjustment used
 * @param averaged        trials pooled per side (false: trial by trial)
 * @param pairs           every paired variant, by key
 * @param onlyInA         pairing keys with trials on side A only
 * @param onlyInB         pairing keys with trials on side B only
 * @param hostsA          the hosts of side A (labels)
 * @param hostsB          the hosts of side B
 * @param hostDifferences host-context fields that differ between the sides
 * @param regressions     metric regressions over all pairs
 * @param improvements    metric improvements over all pairs
 * @param noise           deltas past the gates that the t-test did not support
 */
public record CompareReport(String sideA, String sideB, List<String> slicing, List<String> pairing, double alpha,
                            Correction correction, boolean averaged, List<PairComparison> pairs,
                            List<String> onlyInA, List<String> onlyInB, List<String> hostsA, List<String> hostsB,
                            List<HostDifference> hostDifferences, int regressions, int improvements, int noise) {

    /** Whether any metric of any pair regressed: {@code stats compare} exits 1. */
    public boolean hasRegression() {
        return regressions > 0 || pairs.stream().anyMatch(PairComparison::lostEveryPass);
    }
}
