package io.ktstr4j.pipeline.checks;

/**
 * The resolved thresholds one run is judged by: the result of the merge chain (defaults, then the scheduler's, then
 * the test's; the last value set wins). Benchmark thresholds are null when no layer set them (check off).
 */
public record Thresholds(
        ThresholdMode mode,
        boolean notStarved,
        boolean isolation,
        double maxSpreadPct,
        long maxGapMs,
        Double maxThroughputCv,
        Double minWorkRate,
        Long maxP99WakeLatencyNs,
        Double maxWakeLatencyCv,
        Double minIterationRate,
        Double maxMigrationRatio,
        Double minPageLocality,
        Double maxCrossNodeMigrationRatio,
        Double maxSlowTierRatio,
        double maxImbalanceRatio,
        long maxLocalDsqDepth,
        boolean failOnStall,
        int sustainedSamples,
        double maxFallbackRate,
        double maxKeepLastRate,
        Long cleanupBudgetMs) {

    public static final double DEFAULT_MAX_IMBALANCE_RATIO = 4.0;
    public static final long DEFAULT_MAX_LOCAL_DSQ_DEPTH = 50;
    public static final int DEFAULT_SUSTAINED_SAMPLES = 5;
    public static final double DEFAULT_MAX_FALLBACK_RATE = 200.0;
    public static final double DEFAULT_MAX_KEEP_LAST_RATE = 100.0;
    /** A DSQ deeper than this is not real data: the monitor read memory the kernel has not set up yet. */
    public static final long DSQ_PLAUSIBILITY_CEILING = 10_000;

    public Thresholds {
        if (sustainedSamples < 1) {
            throw new IllegalArgumentException("sustained_samples: " + sustainedSamples + " must be at least 1");
        }
        if (maxSpreadPct < 0 || maxGapMs < 0) {
            throw new IllegalArgumentException("max_spread_pct / max_gap_ms must not be negative");
        }
    }

    /** ktstr's {@code Assert::default_checks()}: not_starved on, monitor defaults, benchmark checks off. */
    public static Thresholds defaults(ThresholdMode mode) {
        return new Thresholds(mode, true, false, mode.defaultSpreadPct(), mode.defaultGapMs(),
                null, null, null, null, null, null, null, null, null,
                DEFAULT_MAX_IMBALANCE_RATIO, DEFAULT_MAX_LOCAL_DSQ_DEPTH, true, DEFAULT_SUSTAINED_SAMPLES,
                DEFAULT_MAX_FALLBACK_RATE, DEFAULT_MAX_KEEP_LAST_RATE, null);
    }
}
