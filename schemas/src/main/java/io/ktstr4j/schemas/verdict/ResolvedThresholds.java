package io.ktstr4j.schemas.verdict;

/**
 * Every threshold after the merge chain (defaults → scheduler → test; last set value wins), as used for the verdict.
 * Null = the check is off. Field names are ktstr's {@code Assert} names.
 */
public record ResolvedThresholds(
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

    /** ktstr's release-build defaults: worker checks on (gap 2000 ms, spread 15 %), monitor defaults. */
    public static ResolvedThresholds defaults() {
        return new ResolvedThresholds(true, null, 2000L, 15.0, null, null, null, null, null, null,
                4.0, 50L, true, 5, 200.0, 100.0, null, null, null);
    }
}
