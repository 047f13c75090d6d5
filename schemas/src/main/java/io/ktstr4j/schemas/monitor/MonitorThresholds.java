package io.ktstr4j.schemas.monitor;

import io.ktstr4j.schemas.Validate;

/**
 * Limits the host monitor enforces (ktstr {@code MonitorThresholds}); only evaluated under a sched_ext scheduler.
 *
 * @param maxImbalanceRatio max(nr_running) / max(1, min(nr_running)) across CPUs
 * @param maxLocalDsqDepth  deepest allowed local DSQ
 * @param failOnStall       a CPU whose rq_clock stops with runnable tasks fails the run
 * @param sustainedSamples  consecutive violating samples before a violation counts (~100 ms each)
 * @param maxFallbackRate   select_cpu_fallback events per second
 * @param maxKeepLastRate   dispatch_keep_last events per second
 */
public record MonitorThresholds(double maxImbalanceRatio, long maxLocalDsqDepth, boolean failOnStall,
                                int sustainedSamples, double maxFallbackRate, double maxKeepLastRate) {

    public static final MonitorThresholds DEFAULT = new MonitorThresholds(4.0, 50, true, 5, 200.0, 100.0);

    /** A sample with a DSQ deeper than this is treated as garbage (monitor not initialised). */
    public static final long DSQ_PLAUSIBILITY_CEILING = 10_000;

    public MonitorThresholds {
        Validate.positive("max_imbalance_ratio", maxImbalanceRatio);
        Validate.atLeast("max_local_dsq_depth", maxLocalDsqDepth, 0);
        Validate.atLeast("sustained_samples", sustainedSamples, 1);
        Validate.nonNegative("max_fallback_rate", maxFallbackRate);
        Validate.nonNegative("max_keep_last_rate", maxKeepLastRate);
    }
}
