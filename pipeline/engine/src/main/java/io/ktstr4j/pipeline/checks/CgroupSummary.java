package io.ktstr4j.pipeline.checks;

/**
 * Per-cgroup numbers the worker checks computed (ktstr's {@code CgroupStats}); null = not measurable.
 *
 * @param meanRunDelayUs  mean over the cgroup's workers of each worker's run delay ({@link WorkerSample#runDelayNs()})
 *                        in µs; 0 without workers
 * @param worstRunDelayUs the largest worker run delay in µs; 0 without workers
 */
public record CgroupSummary(
        String cgroup,
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
        Double p99WakeLatencyUs,
        Double medianWakeLatencyUs,
        Double wakeLatencyCv,
        long totalIterations,
        Double pageLocality,
        Double crossNodeMigrationRatio,
        Double slowTierRatio,
        Double throughputCv,
        double meanRunDelayUs,
        double worstRunDelayUs) {
}
