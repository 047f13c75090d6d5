package io.ktstr4j.schemas.spec;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.verdict.ResolvedThresholds;

/**
 * Check thresholds as a test or scheduler overrides them (ktstr {@code Assert}: every field, same names). Null =
 * not set at this level; {@link #merge} applies "last set value wins" like ktstr's merge chain
 * (defaults → scheduler → test).
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

    /** Nothing set. */
    public static AssertThresholds none() {
        return new AssertThresholds(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    /**
     * ktstr's {@code Assert::default_checks()}: worker checks on (gap 2000 ms / spread 15 % in release builds,
     * 3000 ms / 35 % in debug builds) and the monitor defaults; isolation off.
     */
    public static AssertThresholds defaults(boolean release) {
        return new AssertThresholds(true, null, release ? 2000L : 3000L, release ? 15.0 : 35.0, null, null, null, null,
                null, null, 4.0, 50L, true, 5, 200.0, 100.0, null, null, null);
    }

    /** This, overridden by every field {@code over} sets. */
    public AssertThresholds merge(AssertThresholds over) {
        if (over == null) return this;
        return new AssertThresholds(
                pick(notStarved, over.notStarved), pick(isolation, over.isolation), pick(maxGapMs, over.maxGapMs),
                pick(maxSpreadPct, over.maxSpreadPct), pick(maxThroughputCv, over.maxThroughputCv),
                pick(minWorkRate, over.minWorkRate), pick(maxP99WakeLatencyNs, over.maxP99WakeLatencyNs),
                pick(maxWakeLatencyCv, over.maxWakeLatencyCv), pick(minIterationRate, over.minIterationRate),
                pick(maxMigrationRatio, over.maxMigrationRatio), pick(maxImbalanceRatio, over.maxImbalanceRatio),
                pick(maxLocalDsqDepth, over.maxLocalDsqDepth), pick(failOnStall, over.failOnStall),
                pick(sustainedSamples, over.sustainedSamples), pick(maxFallbackRate, over.maxFallbackRate),
                pick(maxKeepLastRate, over.maxKeepLastRate), pick(minPageLocality, over.minPageLocality),
                pick(maxCrossNodeMigrationRatio, over.maxCrossNodeMigrationRatio),
                pick(maxSlowTierRatio, over.maxSlowTierRatio));
    }

    /** The same values as the verdict's resolved-threshold record. */
    public ResolvedThresholds toResolved() {
        return new ResolvedThresholds(notStarved, isolation, maxGapMs, maxSpreadPct, maxThroughputCv, minWorkRate,
                maxP99WakeLatencyNs, maxWakeLatencyCv, minIterationRate, maxMigrationRatio, maxImbalanceRatio,
                maxLocalDsqDepth, failOnStall, sustainedSamples, maxFallbackRate, maxKeepLastRate, minPageLocality,
                maxCrossNodeMigrationRatio, maxSlowTierRatio);
    }

    private static <T> T pick(T base, T over) {
        return over != null ? over : base;
    }

    private static void nonNeg(String field, Double v) {
        if (v != null) Validate.nonNegative(field, v);
    }
}
