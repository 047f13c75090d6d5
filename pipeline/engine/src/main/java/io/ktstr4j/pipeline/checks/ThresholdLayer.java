package io.ktstr4j.pipeline.checks;

/**
 * One layer of the assert merge chain (defaults, scheduler, test): every field nullable, null = "not set here".
 * The schemas {@code AssertThresholds} of a spec converts into one of these.
 */
public record ThresholdLayer(
        Boolean notStarved,
        Boolean isolation,
        Double maxSpreadPct,
        Long maxGapMs,
        Double maxThroughputCv,
        Double minWorkRate,
        Long maxP99WakeLatencyNs,
        Double maxWakeLatencyCv,
        Double minIterationRate,
        Double maxMigrationRatio,
        Double minPageLocality,
        Double maxCrossNodeMigrationRatio,
        Double maxSlowTierRatio,
        Double maxImbalanceRatio,
        Long maxLocalDsqDepth,
        Boolean failOnStall,
        Integer sustainedSamples,
        Double maxFallbackRate,
        Double maxKeepLastRate,
        Long cleanupBudgetMs) {

    public static final ThresholdLayer EMPTY = new ThresholdLayer(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null);

    /** This layer on top of {@code base}: a value set here wins, otherwise the base's value stays. */
    public ThresholdLayer over(ThresholdLayer base) {
        return new ThresholdLayer(
                pick(notStarved, base.notStarved), pick(isolation, base.isolation),
                pick(maxSpreadPct, base.maxSpreadPct), pick(maxGapMs, base.maxGapMs),
                pick(maxThroughputCv, base.maxThroughputCv), pick(minWorkRate, base.minWorkRate),
                pick(maxP99WakeLatencyNs, base.maxP99WakeLatencyNs), pick(maxWakeLatencyCv, base.maxWakeLatencyCv),
                pick(minIterationRate, base.minIterationRate), pick(maxMigrationRatio, base.maxMigrationRatio),
                pick(minPageLocality, base.minPageLocality),
                pick(maxCrossNodeMigrationRatio, base.maxCrossNodeMigrationRatio),
                pick(maxSlowTierRatio, base.maxSlowTierRatio), pick(maxImbalanceRatio, base.maxImbalanceRatio),
                pick(maxLocalDsqDepth, base.maxLocalDsqDepth), pick(failOnStall, base.failOnStall),
                pick(sustainedSamples, base.sustainedSamples), pick(maxFallbackRate, base.maxFallbackRate),
                pick(maxKeepLastRate, base.maxKeepLastRate), pick(cleanupBudgetMs, base.cleanupBudgetMs));
    }

    private static <T> T pick(T top, T base) {
        return top != null ? top : base;
    }
}
