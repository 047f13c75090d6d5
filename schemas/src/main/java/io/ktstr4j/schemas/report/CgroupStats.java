package io.ktstr4j.schemas.report;

import io.ktstr4j.schemas.Validate;
import java.util.Map;

/** Per-cgroup aggregate of worker reports (ktstr {@code CgroupStats}; latencies in µs, ratios 0..1, pct 0..100). */
public record CgroupStats(
        int numWorkers,
        int numCpus,
        double avgOffCpuPct,
        double minOffCpuPct,
        double maxOffCpuPct,
        double spread,
        long maxGapMs,
        int maxGapCpu,
        long totalMigrations,
        double migrationRatio,
        double p99WakeLatencyUs,
        double medianWakeLatencyUs,
        double wakeLatencyCv,
        long totalIterations,
        double meanRunDelayUs,
        double worstRunDelayUs,
        double pageLocality,
        double crossNodeMigrationRatio,
        double wakeLatencyTailRatio,
        double iterationsPerWorker,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        Map<String, Double> extMetrics) {

    public CgroupStats {
        extMetrics = Validate.map(extMetrics == null ? null : new java.util.TreeMap<>(extMetrics));
    }
}
