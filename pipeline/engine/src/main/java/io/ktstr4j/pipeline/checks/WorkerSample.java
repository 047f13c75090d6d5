package io.ktstr4j.pipeline.checks;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of one worker's report the checks read (the full record is the schemas {@code WorkerReport};
 * {@link WorkerSamples} converts). Times in ns unless named otherwise.
 *
 * @param runDelayNs time the worker spent runnable but waiting for a CPU over its work loop (the delta of
 *                   {@code run_delay} in its {@code /proc/self/schedstat}, the report's {@code schedstat_run_delay_ns})
 */
public record WorkerSample(
        long tid,
        long workUnits,
        long cpuTimeNs,
        long wallTimeNs,
        long offCpuNs,
        long migrationCount,
        Set<Integer> cpusUsed,
        long maxGapMs,
        int maxGapCpu,
        long maxGapAtMs,
        List<Long> resumeLatenciesNs,
        long iterations,
        Map<Integer, Long> numaPages,
        long numaPagesMigrated,
        boolean messenger,
        long runDelayNs) {

    public WorkerSample {
        cpusUsed = cpusUsed == null ? Set.of() : Set.copyOf(cpusUsed);
        resumeLatenciesNs = resumeLatenciesNs == null ? List.of() : List.copyOf(resumeLatenciesNs);
        numaPages = numaPages == null ? Map.of() : Map.copyOf(numaPages);
    }

    /** Off-CPU share of wall time in percent (0 when no wall time was recorded). */
    public double offCpuPct() {
        return wallTimeNs <= 0 ? 0.0 : 100.0 * offCpuNs / wallTimeNs;
    }

    public double wallSeconds() {
        return wallTimeNs / 1e9;
    }
}
