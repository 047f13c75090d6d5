package io.ktstr4j.schemas.monitor;

/** sched_ext event counters over a run: totals and per-second rates (ktstr {@code ScxEventDeltas}). */
public record ScxEventDeltas(
        long totalFallback,
        double fallbackRate,
        long maxFallbackBurst,
        long totalDispatchOffline,
        long totalDispatchKeepLast,
        double keepLastRate,
        long totalEnqSkipExiting,
        long totalEnqSkipMigrationDisabled,
        long totalReenqImmed,
        long totalReenqLocalRepeat,
        long totalRefillSliceDfl,
        long totalBypassDuration,
        long totalBypassDispatch,
        long totalBypassActivate,
        long totalInsertNotOwned,
        long totalSubBypassDispatch) {}
