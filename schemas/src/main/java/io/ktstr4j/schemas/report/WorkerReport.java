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

    /** A builder with every field unset; see {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's fields, to build a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tid = tid;
        b.workUnits = workUnits;
        b.cpuTimeNs = cpuTimeNs;
        b.wallTimeNs = wallTimeNs;
        b.offCpuNs = offCpuNs;
        b.migrationCount = migrationCount;
        b.cpusUsed = cpusUsed;
        b.migrations = migrations;
        b.maxGapMs = maxGapMs;
        b.maxGapCpu = maxGapCpu;
        b.maxGapAtMs = maxGapAtMs;
        b.resumeLatenciesNs = resumeLatenciesNs;
        b.wakeSampleTotal = wakeSampleTotal;
        b.iterations = iterations;
        b.schedstatRunDelayNs = schedstatRunDelayNs;
        b.schedstatRunCount = schedstatRunCount;
        b.schedstatCpuTimeNs = schedstatCpuTimeNs;
        b.completed = completed;
        b.numaPages = numaPages;
        b.vmstatNumaPagesMigrated = vmstatNumaPagesMigrated;
        b.exitInfo = exitInfo;
        b.isMessenger = isMessenger;
        return b;
    }

    /**
     * Builds a {@link WorkerReport} field by field, one setter per field. A field not set is 0, null or empty;
     * {@code completed} and {@code isMessenger} then default to false.
     */
    public static final class Builder {
        private int tid;
        private long workUnits;
        private long cpuTimeNs;
        private long wallTimeNs;
        private long offCpuNs;
        private long migrationCount;
        private List<Integer> cpusUsed;
        private List<Migration> migrations;
        private long maxGapMs;
        private int maxGapCpu;
        private long maxGapAtMs;
        private List<Long> resumeLatenciesNs;
        private long wakeSampleTotal;
        private long iterations;
        private long schedstatRunDelayNs;
        private long schedstatRunCount;
        private long schedstatCpuTimeNs;
        private Boolean completed;
        private Map<Integer, Long> numaPages;
        private long vmstatNumaPagesMigrated;
        private ExitInfo exitInfo;
        private Boolean isMessenger;

        private Builder() {}

        public Builder tid(int tid) {
            this.tid = tid;
            return this;
        }

        public Builder workUnits(long workUnits) {
            this.workUnits = workUnits;
            return this;
        }

        public Builder cpuTimeNs(long cpuTimeNs) {
            this.cpuTimeNs = cpuTimeNs;
            return this;
        }

        public Builder wallTimeNs(long wallTimeNs) {
            this.wallTimeNs = wallTimeNs;
            return this;
        }

        public Builder offCpuNs(long offCpuNs) {
            this.offCpuNs = offCpuNs;
            return this;
        }

        public Builder migrationCount(long migrationCount) {
            this.migrationCount = migrationCount;
            return this;
        }

        public Builder cpusUsed(List<Integer> cpusUsed) {
            this.cpusUsed = cpusUsed;
            return this;
        }

        public Builder migrations(List<Migration> migrations) {
            this.migrations = migrations;
            return this;
        }

        public Builder maxGapMs(long maxGapMs) {
            this.maxGapMs = maxGapMs;
            return this;
        }

        public Builder maxGapCpu(int maxGapCpu) {
            this.maxGapCpu = maxGapCpu;
            return this;
        }

        public Builder maxGapAtMs(long maxGapAtMs) {
            this.maxGapAtMs = maxGapAtMs;
            return this;
        }

        public Builder resumeLatenciesNs(List<Long> resumeLatenciesNs) {
            this.resumeLatenciesNs = resumeLatenciesNs;
            return this;
        }

        public Builder wakeSampleTotal(long wakeSampleTotal) {
            this.wakeSampleTotal = wakeSampleTotal;
            return this;
        }

        public Builder iterations(long iterations) {
            this.iterations = iterations;
            return this;
        }

        public Builder schedstatRunDelayNs(long schedstatRunDelayNs) {
            this.schedstatRunDelayNs = schedstatRunDelayNs;
            return this;
        }

        public Builder schedstatRunCount(long schedstatRunCount) {
            this.schedstatRunCount = schedstatRunCount;
            return this;
        }

        public Builder schedstatCpuTimeNs(long schedstatCpuTimeNs) {
            this.schedstatCpuTimeNs = schedstatCpuTimeNs;
            return this;
        }

        public Builder completed(Boolean completed) {
            this.completed = completed;
            return this;
        }

        public Builder numaPages(Map<Integer, Long> numaPages) {
            this.numaPages = numaPages;
            return this;
        }

        public Builder vmstatNumaPagesMigrated(long vmstatNumaPagesMigrated) {
            this.vmstatNumaPagesMigrated = vmstatNumaPagesMigrated;
            return this;
        }

        public Builder exitInfo(ExitInfo exitInfo) {
            this.exitInfo = exitInfo;
            return this;
        }

        public Builder isMessenger(Boolean isMessenger) {
            this.isMessenger = isMessenger;
            return this;
        }

        /** The record, checked and defaulted by its constructor. */
        public WorkerReport build() {
            return new WorkerReport(tid, workUnits, cpuTimeNs, wallTimeNs, offCpuNs, migrationCount, cpusUsed,
                    migrations, maxGapMs, maxGapCpu, maxGapAtMs, resumeLatenciesNs, wakeSampleTotal, iterations,
                    schedstatRunDelayNs, schedstatRunCount, schedstatCpuTimeNs, completed, numaPages,
                    vmstatNumaPagesMigrated, exitInfo, isMessenger);
        }
    }
}
