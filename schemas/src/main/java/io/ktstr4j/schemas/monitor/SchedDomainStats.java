package io.ktstr4j.schemas.monitor;

import io.ktstr4j.schemas.InvalidFieldException;
import java.util.List;

/**
 * Load-balance counters of one sched domain (ktstr {@code SchedDomainStats}). The {@code lb_*} lists have one entry
 * per idle type, in kernel order: CPU_NOT_IDLE, CPU_IDLE, CPU_NEWLY_IDLE.
 */
public record SchedDomainStats(
        List<Long> lbCount,
        List<Long> lbFailed,
        List<Long> lbBalanced,
        List<Long> lbImbalanceLoad,
        List<Long> lbImbalanceUtil,
        List<Long> lbImbalanceTask,
        List<Long> lbImbalanceMisfit,
        List<Long> lbGained,
        List<Long> lbHotGained,
        List<Long> lbNobusyg,
        List<Long> lbNobusyq,
        long albCount,
        long albFailed,
        long albPushed,
        long sbeCount,
        long sbeBalanced,
        long sbePushed,
        long sbfCount,
        long sbfBalanced,
        long sbfPushed,
        long ttwuWakeRemote,
        long ttwuMoveAffine,
        long ttwuMoveBalance) {

    /** CPU_MAX_IDLE_TYPES in the kernel. */
    public static final int IDLE_TYPES = 3;

    public SchedDomainStats {
        lbCount = perIdle("lb_count", lbCount);
        lbFailed = perIdle("lb_failed", lbFailed);
        lbBalanced = perIdle("lb_balanced", lbBalanced);
        lbImbalanceLoad = perIdle("lb_imbalance_load", lbImbalanceLoad);
        lbImbalanceUtil = perIdle("lb_imbalance_util", lbImbalanceUtil);
        lbImbalanceTask = perIdle("lb_imbalance_task", lbImbalanceTask);
        lbImbalanceMisfit = perIdle("lb_imbalance_misfit", lbImbalanceMisfit);
        lbGained = perIdle("lb_gained", lbGained);
        lbHotGained = perIdle("lb_hot_gained", lbHotGained);
        lbNobusyg = perIdle("lb_nobusyg", lbNobusyg);
        lbNobusyq = perIdle("lb_nobusyq", lbNobusyq);
    }

    private static List<Long> perIdle(String field, List<Long> v) {
        if (v == null) return List.of(0L, 0L, 0L);
        if (v.size() != IDLE_TYPES)
            throw new InvalidFieldException(field, "has " + v.size() + " entries, expected " + IDLE_TYPES
                    + " (CPU_NOT_IDLE, CPU_IDLE, CPU_NEWLY_IDLE)");
        return List.copyOf(v);
    }
}
