package io.ktstr4j.schemas.monitor;

/** Run-queue schedstat over a run (ktstr {@code SchedstatDeltas}). */
public record SchedstatDeltas(
        long totalRunDelay,
        double runDelayRate,
        long totalPcount,
        long totalSchedCount,
        double schedCountRate,
        long totalYldCount,
        long totalSchedGoidle,
        long totalTtwuCount,
        long totalTtwuLocal) {}
