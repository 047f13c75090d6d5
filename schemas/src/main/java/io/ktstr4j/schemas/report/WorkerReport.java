package io.ktstr4j.schemas.report;

import io.ktstr4j.schemas.Validate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one worker process reports when it stops (ktstr {@code WorkerReport}, same JSON field names).
 * Times are ns unless named otherwise; gaps are sampled every 1024 work units.
 *
 * @param tid                       worker pid in the guest
 * @param workUnits                 cumulative work iterations
 * @param cpuTimeNs                 CLOCK_THREAD_CPUTIME_ID time
 * @param wallTimeNs                fork-start to stop signal
 * @param offCpuNs                  wall − cpu
 * @param migrationCount            observed CPU migrations
 * @param cpusUsed                  CPUs the worker ran on (sorted)
 * @param migrations                migration events
 * @param maxGapMs                  longest gap between checkpoints
 * @param maxGapCpu                 CPU of the longest gap
 * @param maxGapAtMs                when the longest gap happened (ms from start)
 * @param resumeLatenciesNs         wake latency samples (reservoir, at most 100 000)
 * @param wakeSampleTotal           all wake observations including dropped ones
 * @param iterations                outer-loop iterations
 * @param schedstatRunDelayNs       /proc/self/schedstat run_delay delta
 * @param schedstatRunCount         /proc/self/schedstat pcount delta
 * @param schedstatCpuTimeNs        /proc/self/schedstat cpu_time delta
 * @param completed                 the work loop ran to completion (default false)
 * @param numaPages                 pages per NUMA node (node → pages; omitted when empty)
 * @param vmstatNumaPagesMigrated   numa_pages_migrated delta
 * @param exitInfo                  how the process ended, or null
 * @param isMessenger               the fan-out messenger worker (default false)
 */
public record WorkerReport(
        int tid,
        long workUnits,
        long cpuTimeNs,
        long wallTimeNs,
        long offCpuNs,
        long migrationCount,
        List<Integer> cpusUsed,
        List<Migration> migrations,
        long maxGapMs,
        int maxGapCpu,
        long maxGapAtMs,
        List<Long> resumeLatenciesNs,
        long wakeSampleTotal,
        long iterations,
        long schedstatRunDelayNs,
        long schedstatRunCount,
        long schedstatCpuTimeNs,
        Boolean completed,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        Map<Integer, Long> numaPages,
        long vmstatNumaPagesMigrated,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        ExitInfo exitInfo,
        Boolean isMessenger) {

    public static final int MAX_WAKE_SAMPLES = 100_000;

    public WorkerReport {
        cpusUsed = Validate.list("cpus_used", cpusUsed).stream().sorted().toList();
        migrations = Validate.list("migrations", migrations);
        resumeLatenciesNs = Validate.list("resume_latencies_ns", resumeLatenciesNs);
        if (completed == null) completed = false;
        numaPages = numaPages == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(numaPages));
        if (isMessenger == null) isMessenger = false;
    }
}
