package io.ktstr4j.schemas.monitor;

/** Cumulative sched_ext event counters of one CPU (ktstr {@code ScxEventCounters}, kernel 6.16+). */
public record ScxEventCounters(
        long selectCpuFallback,
        long dispatchLocalDsqOffline,
        long dispatchKeepLast,
        long enqSkipExiting,
        long enqSkipMigrationDisabled,
        long reenqImmed,
        long reenqLocalRepeat,
        long refillSliceDfl,
        long bypassDuration,
        long bypassDispatch,
        long bypassActivate,
        long insertNotOwned,
        long subBypassDispatch) {}
