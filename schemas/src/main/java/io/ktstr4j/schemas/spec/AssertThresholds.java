package io.ktstr4j.schemas.spec;

import io.ktstr4j.schemas.Validate;

/**
 * The one threshold record (ktstr {@code Assert}: every field, same names). As a layer of the merge chain (the
 * spec's {@code scheduler_assert} and {@code assert}) null means "not set at this layer"; {@link #over} merges one
 * layer over another. After {@link Thresholds#resolve} every threshold with a default is set, and null means the
 * check is off (the verdict's and the sidecar's record of the thresholds used).
 *
 * <p>Adding a threshold: a component here, its line in {@link #over} and {@link Builder}, and its default (if it
 * has one) in {@link Thresholds#defaults}.
 *
 * @param maxImbalanceRatio max(nr_running) / max(1, min(nr_running)) across CPUs
 * @param maxLocalDsqDepth  deepest allowed local DSQ
 * @param failOnStall       a CPU whose rq_clock stops with runnable tasks fails the run
 * @param sustainedSamples  consecutive violating monitor samples before a violation counts (~100 ms each)
 * @param maxFallbackRate   select_cpu_fallback events per second
 * @param maxKeepLastRate   dispatch_keep_last events per second
 */
public record AssertThresholds(
        Boolean notStarved,
        Boolean isolation,
        Long maxGapMs,
        Double maxSpreadPct,
        Double maxThroughputCv,
        Double minWorkRate,
        Long maxP99WakeLatencyNs,
        Double maxWakeLatencyCv,
        Double minIterationRate,
        Double maxMigrationRatio,
        Double maxImbalanceRatio,
        Long maxLocalDsqDepth,
        Boolean failOnStall,
        Integer sustainedSamples,
        Double maxFallbackRate,
        Double maxKeepLastRate,
        Double minPageLocality,
        Double maxCrossNodeMigrationRatio,
        Double maxSlowTierRatio) {

    /** Nothing set. */
    public static final AssertThresholds EMPTY = builder().build();

    public AssertThresholds {
        if (maxGapMs != null) Validate.atLeast("max_gap_ms", maxGapMs, 1);
        if (maxSpreadPct != null) Validate.range("max_spread_pct", maxSpreadPct, 0, 100);
        nonNeg("max_throughput_cv", maxThroughputCv);
        nonNeg("min_work_rate", minWorkRate);
        if (maxP99WakeLatencyNs != null) Validate.atLeast("max_p99_wake_latency_ns", maxP99WakeLatencyNs, 1);
        nonNeg("max_wake_latency_cv", maxWakeLatencyCv);
        nonNeg("min_iteration_rate", minIterationRate);
        if (maxMigrationRatio != null) Validate.range("max_migration_ratio", maxMigrationRatio, 0, 1e9);
        if (maxImbalanceRatio != null) Validate.range("max_imbalance_ratio", maxImbalanceRatio, 1, 1e9);
        if (maxLocalDsqDepth != null) Validate.atLeast("max_local_dsq_depth", maxLocalDsqDepth, 0);
        if (sustainedSamples != null) Validate.atLeast("sustained_samples", sustainedSamples, 1);
        nonNeg("max_fallback_rate", maxFallbackRate);
        nonNeg("max_keep_last_rate", maxKeepLastRate);
        if (minPageLocality != null) Validate.range("min_page_locality", minPageLocality, 0, 1);
        if (maxCrossNodeMigrationRatio != null) Validate.range("max_cross_node_migration_ratio", maxCrossNodeMigrationRatio, 0, 1);
        if (maxSlowTierRatio != null) Validate.range("max_slow_tier_ratio", maxSlowTierRatio, 0, 1);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This layer on top of {@code base}: a value set here wins, otherwise the base's value stays. */
    public AssertThresholds over(AssertThresholds base) {
        if (base == null) return this;
        return new AssertThresholds(
                pick(notStarved, base.notStarved), pick(isolation, base.isolation), pick(maxGapMs, base.maxGapMs),
                pick(maxSpreadPct, base.maxSpreadPct), pick(maxThroughputCv, base.maxThroughputCv),
                pick(minWorkRate, base.minWorkRate), pick(maxP99WakeLatencyNs, base.maxP99WakeLatencyNs),
                pick(maxWakeLatencyCv, base.maxWakeLatencyCv), pick(minIterationRate, base.minIterationRate),
                pick(maxMigrationRatio, base.maxMigrationRatio), pick(maxImbalanceRatio, base.maxImbalanceRatio),
                pick(maxLocalDsqDepth, base.maxLocalDsqDepth), pick(failOnStall, base.failOnStall),
                pick(sustainedSamples, base.sustainedSamples), pick(maxFallbackRate, base.maxFallbackRate),
                pick(maxKeepLastRate, base.maxKeepLastRate), pick(minPageLocality, base.minPageLocality),
                pick(maxCrossNodeMigrationRatio, base.maxCrossNodeMigrationRatio),
                pick(maxSlowTierRatio, base.maxSlowTierRatio));
    }

    private static <T> T pick(T top, T base) {
        return top != null ? top : base;
    }

    private static void nonNeg(String field, Double v) {
        if (v != null) Validate.nonNegative(field, v);
    }

    /** One layer, field by field (what is not set stays null). */
    public static final class Builder {
        private Boolean notStarved;
        private Boolean isolation;
        private Long maxGapMs;
        private Double maxSpreadPct;
        private Double maxThroughputCv;
        private Double minWorkRate;
        private Long maxP99WakeLatencyNs;
        private Double maxWakeLatencyCv;
        private Double minIterationRate;
        private Double maxMigrationRatio;
        private Double maxImbalanceRatio;
        private Long maxLocalDsqDepth;
        private Boolean failOnStall;
        private Integer sustainedSamples;
        private Double maxFallbackRate;
        private Double maxKeepLastRate;
        private Double minPageLocality;
        private Double maxCrossNodeMigrationRatio;
        private Double maxSlowTierRatio;

        private Builder() {
        }

        public Builder notStarved(Boolean v) { notStarved = v; return this; }
        public Builder isolation(Boolean v) { isolation = v; return this; }
        public Builder maxGapMs(Long v) { maxGapMs = v; return this; }
        public Builder maxSpreadPct(Double v) { maxSpreadPct = v; return this; }
        public Builder maxThroughputCv(Double v) { maxThroughputCv = v; return this; }
        public Builder minWorkRate(Double v) { minWorkRate = v; return this; }
        public Builder maxP99WakeLatencyNs(Long v) { maxP99WakeLatencyNs = v; return this; }
        public Builder maxWakeLatencyCv(Double v) { maxWakeLatencyCv = v; return this; }
        public Builder minIterationRate(Double v) { minIterationRate = v; return this; }
        public Builder maxMigrationRatio(Double v) { maxMigrationRatio = v; return this; }
        public Builder maxImbalanceRatio(Double v) { maxImbalanceRatio = v; return this; }
        public Builder maxLocalDsqDepth(Long v) { maxLocalDsqDepth = v; return this; }
        public Builder failOnStall(Boolean v) { failOnStall = v; return this; }
        public Builder sustainedSamples(Integer v) { sustainedSamples = v; return this; }
        public Builder maxFallbackRate(Double v) { maxFallbackRate = v; return this; }
        public Builder maxKeepLastRate(Double v) { maxKeepLastRate = v; return this; }
        public Builder minPageLocality(Double v) { minPageLocality = v; return this; }
        public Builder maxCrossNodeMigrationRatio(Double v) { maxCrossNodeMigrationRatio = v; return this; }
        public Builder maxSlowTierRatio(Double v) { maxSlowTierRatio = v; return this; }

        public AssertThresholds build() {
            return new AssertThresholds(notStarved, isolation, maxGapMs, maxSpreadPct, maxThroughputCv, minWorkRate,
                    maxP99WakeLatencyNs, maxWakeLatencyCv, minIterationRate, maxMigrationRatio, maxImbalanceRatio,
                    maxLocalDsqDepth, failOnStall, sustainedSamples, maxFallbackRate, maxKeepLastRate,
                    minPageLocality, maxCrossNodeMigrationRatio, maxSlowTierRatio);
        }
    }
}
