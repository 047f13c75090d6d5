package io.ktstr4j.vmm.monitor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every struct offset the monitor reads, resolved once from the kernel's BTF. Required fields fail fast with the path
 * that is missing; optional ones (schedstat, newidle counters, sched_ext event counters) are null when the kernel
 * does not have them, and the matching part of a sample is then reported as absent (null).
 */
public final class KernelOffsets {

    /** Field names of {@code struct scx_event_stats} in {@link io.ktstr4j.schemas.monitor.ScxEventCounters} order. */
    public static final List<String> SCX_EVENTS = List.of("SCX_EV_SELECT_CPU_FALLBACK",
            "SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE", "SCX_EV_DISPATCH_KEEP_LAST", "SCX_EV_ENQ_SKIP_EXITING",
            "SCX_EV_ENQ_SKIP_MIGRATION_DISABLED", "SCX_EV_REENQ_IMMED", "SCX_EV_REENQ_LOCAL_REPEAT",
            "SCX_EV_REFILL_SLICE_DFL", "SCX_EV_BYPASS_DURATION", "SCX_EV_BYPASS_DISPATCH", "SCX_EV_BYPASS_ACTIVATE",
            "SCX_EV_INSERT_NOT_OWNED", "SCX_EV_SUB_BYPASS_DISPATCH");

    /** How the per-CPU sched_ext event counters are found on this kernel. */
    public enum EventStatsLayout {
        /** 6.12 and older: no event counters. */
        NONE,
        /** 6.15: per-CPU variable {@code event_stats_cpu}. */
        PERCPU_SYMBOL,
        /** 6.16–6.17: {@code scx_root->event_stats_cpu} (a per-CPU pointer). */
        SCHED_EVENT_STATS_CPU,
        /** 6.18+: {@code scx_root->pcpu} (per-CPU) {@code ->event_stats}. */
        SCHED_PCPU
    }

    public final Btf btf;
    public final long rqSize;
    public final Btf.Field rqNrRunning, rqClock, scxNrRunning, scxFlags, localDsqNr;
    /** Null without sched_ext (CONFIG_SCHED_CLASS_EXT=n). */
    public final boolean hasScx;
    /** Null without CONFIG_SCHEDSTATS. */
    public final Btf.Field runDelay, pcount, yldCount, schedCount, schedGoidle, ttwuCount, ttwuLocal;
    public final Btf.Field rqSd;
    public final long sdSize;
    public final Map<String, Btf.Field> sd = new LinkedHashMap<>();
    public final EventStatsLayout eventLayout;
    /** Offset of each SCX_EVENTS entry in struct scx_event_stats, -1 when this kernel lacks that counter. */
    public final long[] eventOffsets = new long[SCX_EVENTS.size()];
    public final long eventStatsSize;
    /** scx_sched.event_stats_cpu or scx_sched.pcpu; scx_sched_pcpu.event_stats. */
    public final long schedEventPtrOff, pcpuEventStatsOff;

    public KernelOffsets(Btf btf, SymbolMap syms) {
        this.btf = btf;
        rqSize = btf.sizeOf("rq");
        rqNrRunning = btf.field("rq.nr_running");
        rqClock = btf.field("rq.clock");
        Optional<Btf.Field> scxNr = btf.tryField("rq.scx.nr_running");
        hasScx = scxNr.isPresent();
        scxNrRunning = scxNr.orElse(null);
        scxFlags = btf.tryField("rq.scx.flags").orElse(null);
        localDsqNr = btf.tryField("rq.scx.local_dsq.nr").orElse(null);
        runDelay = btf.tryField("rq.rq_sched_info.run_delay").orElse(null);
        pcount = btf.tryField("rq.rq_sched_info.pcount").orElse(null);
        yldCount = btf.tryField("rq.yld_count").orElse(null);
        schedCount = btf.tryField("rq.sched_count").orElse(null);
        schedGoidle = btf.tryField("rq.sched_goidle").orElse(null);
        ttwuCount = btf.tryField("rq.ttwu_count").orElse(null);
        ttwuLocal = btf.tryField("rq.ttwu_local").orElse(null);
        rqSd = btf.tryField("rq.sd").orElse(null);
        sdSize = rqSd == null ? 0 : btf.sizeOf("sched_domain");
        if (rqSd != null) {
            for (String m : List.of("parent", "level", "name", "flags", "span_weight", "balance_interval",
                    "nr_balance_failed", "newidle_call", "newidle_success", "newidle_ratio", "max_newidle_lb_cost",
                    "lb_count", "lb_failed", "lb_balanced", "lb_imbalance", "lb_imbalance_load",
                    "lb_imbalance_util", "lb_imbalance_task", "lb_imbalance_misfit", "lb_gained", "lb_hot_gained",
                    "lb_nobusyg", "lb_nobusyq", "alb_count", "alb_failed", "alb_pushed", "sbe_count",
                    "sbe_balanced", "sbe_pushed", "sbf_count", "sbf_balanced", "sbf_pushed", "ttwu_wake_remote",
                    "ttwu_move_affine", "ttwu_move_balance")) {
                btf.tryField("sched_domain." + m).ifPresent(f -> sd.put(m, f));
            }
        }
        boolean hasStats = btf.findComposite("scx_event_stats").isPresent();
        if (!hasStats) {
            eventLayout = EventStatsLayout.NONE;
        } else if (syms.has("event_stats_cpu")) {
            eventLayout = EventStatsLayout.PERCPU_SYMBOL;
        } else if (btf.tryField("scx_sched.event_stats_cpu").isPresent()) {
            eventLayout = EventStatsLayout.SCHED_EVENT_STATS_CPU;
        } else if (btf.tryField("scx_sched.pcpu").isPresent() && btf.tryField("scx_sched_pcpu.event_stats").isPresent()) {
            eventLayout = EventStatsLayout.SCHED_PCPU;
        } else {
            eventLayout = EventStatsLayout.NONE;
        }
        for (int i = 0; i < SCX_EVENTS.size(); i++) {
            eventOffsets[i] = btf.tryField("scx_event_stats." + SCX_EVENTS.get(i)).map(Btf.Field::offset).orElse(-1L);
        }
        eventStatsSize = hasStats ? btf.sizeOf("scx_event_stats") : 0;
        schedEventPtrOff = switch (eventLayout) {
            case SCHED_EVENT_STATS_CPU -> btf.field("scx_sched.event_stats_cpu").offset();
            case SCHED_PCPU -> btf.field("scx_sched.pcpu").offset();
            default -> -1;
        };
        pcpuEventStatsOff = eventLayout == EventStatsLayout.SCHED_PCPU
                ? btf.field("scx_sched_pcpu.event_stats").offset() : -1;
    }

    public boolean hasSchedstat() {
        return runDelay != null && pcount != null && schedCount != null;
    }
}
