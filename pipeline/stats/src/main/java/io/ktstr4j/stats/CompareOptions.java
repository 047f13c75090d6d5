package io.ktstr4j.stats;

/**
 * How a comparison judges deltas.
 *
 * @param policy     the relative gates
 * @param alpha      the significance level of Welch's t-test (and of the intervals: 1 - alpha)
 * @param correction the multiple-comparison adjustment across every tested metric of every paired variant (one family)
 * @param average    trials of one variant pooled into a mean per side (false: trial by trial, in time order)
 * @param minTrials  the trials each side needs before a delta must also be significant
 */
public record CompareOptions(ComparisonPolicy policy, double alpha, Correction correction, boolean average,
                             int minTrials) {

    /** ktstr's gates, alpha 0.05, Holm, averaged, significance from 3 trials a side. */
    public static final CompareOptions DEFAULTS = builder().build();

    public CompareOptions {
        if (policy == null) {
            policy = ComparisonPolicy.DEFAULTS;
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new StatsInputException("--alpha " + alpha + ": expected a number between 0 and 1");
        }
        if (correction == null) {
            correction = Correction.HOLM;
        }
        if (minTrials < 2) {
            throw new IllegalArgumentException("minTrials: " + minTrials + " (a t-test needs 2 trials a side)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some. */
    public Builder toBuilder() {
        return builder().policy(policy).alpha(alpha).correction(correction).average(average).minTrials(minTrials);
    }

    /** Builds {@link CompareOptions}; unset fields take the defaults. */
    public static final class Builder {
        private ComparisonPolicy policy = ComparisonPolicy.DEFAULTS;
        private double alpha = 0.05;
        private Correction correction = Correction.HOLM;
        private boolean average = true;
        private int minTrials = 3;

        private Builder() {
        }

        public Builder policy(ComparisonPolicy policy) {
            this.policy = policy;
            return this;
        }

        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        public Builder correction(Correction correction) {
            this.correction = correction;
            return this;
        }

        public Builder average(boolean average) {
            this.average = average;
            return this;
        }

        public Builder minTrials(int minTrials) {
            this.minTrials = minTrials;
            return this;
        }

        public CompareOptions build() {
            return new CompareOptions(policy, alpha, correction, average, minTrials);
        }
    }
}
