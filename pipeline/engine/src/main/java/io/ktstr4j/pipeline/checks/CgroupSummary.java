package io.ktstr4j.pipeline.checks;

/** Per-cgroup numbers the worker checks computed (ktstr's {@code CgroupStats}); null = not measurable. */
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
        Double throughputCv) {
}
