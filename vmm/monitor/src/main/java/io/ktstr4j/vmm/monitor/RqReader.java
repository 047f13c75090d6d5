package io.ktstr4j.vmm.monitor;

import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.RqSchedstat;
import io.ktstr4j.schemas.monitor.SchedDomainSnapshot;
import io.ktstr4j.schemas.monitor.SchedDomainStats;
import io.ktstr4j.schemas.monitor.ScxEventCounters;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one CPU's {@code struct rq} (one bounded copy) and what hangs off it: schedstat, the sched-domain chain
 * (at most {@link #MAX_DOMAIN_DEPTH} levels, loops detected) and the sched_ext event counters. Not thread-safe:
 * one reader per sampling thread (it reuses its buffers).
 */
final class RqReader {

    /** Real machines have at most a handful of levels (SMT, MC, PKG, NUMA...); more means a corrupt chain. */
    static final int MAX_DOMAIN_DEPTH = 16;
    static final int MAX_NAME = 32;

    private final GuestKernel kernel;
    private final KernelOffsets k;
    private final MonitorErrors errors;
    private final long runqueues;
    private final byte[] rq;
    private final ByteBuffer rqBuf;
    private final byte[] sdBytes;
    private final ByteBuffer sdBuf;
    private final byte[] evBytes;
    private final ByteBuffer evBuf;
    private final boolean readDomains;

    RqReader(GuestKernel kernel, MonitorErrors errors, boolean readDomains) {
        this.kernel = kernel;
        this.k = kernel.offsets();
        this.errors = errors;
        this.runqueues = kernel.symbols().require("runqueues");
        this.rq = new byte[(int) k.rqSize];
        this.rqBuf = ByteBuffer.wrap(rq).order(ByteOrder.LITTLE_ENDIAN);
        this.sdBytes = new byte[(int) Math.max(k.sdSize, 1)];
        this.sdBuf = ByteBuffer.wrap(sdBytes).order(ByteOrder.LITTLE_ENDIAN);
        this.evBytes = new byte[(int) Math.max(k.eventStatsSize, 1)];
        this.evBuf = ByteBuffer.wrap(evBytes).order(ByteOrder.LITTLE_ENDIAN);
        this.readDomains = readDomains && k.rqSd != null;
    }

    /** Virtual address of {@code cpu}'s run queue. */
    long rqAddress(int cpu) {
        return kernel.space().perCpu(runqueues, cpu);
    }

    /**
     * One CPU's state. Throws {@link io.ktstr4j.vmm.GuestMemoryException} when the run queue itself cannot be read; optional parts
     * that fail are counted in {@link MonitorErrors} and left null.
     */
    CpuSnapshot read(int cpu, Long vcpuTimeNs, Map<String, Long> kvmStats) {
        GuestAddressSpace as = kernel.space();
        as.read(rqAddress(cpu), rq, 0, rq.length);
        long nr = k.rqNrRunning.read(rqBuf, 0);
        long clock = k.rqClock.read(rqBuf, 0);
        long scxNr = k.scxNrRunning == null ? 0 : k.scxNrRunning.read(rqBuf, 0);
        long dsq = k.localDsqNr == null ? 0 : k.localDsqNr.read(rqBuf, 0);
        long flags = k.scxFlags == null ? 0 : k.scxFlags.read(rqBuf, 0);
        RqSchedstat ss = null;
        if (k.hasSchedstat()) {
            ss = new RqSchedstat(k.runDelay.read(rqBuf, 0), k.pcount.read(rqBuf, 0), opt(k.yldCount),
                    opt(k.schedCount), opt(k.schedGoidle), opt(k.ttwuCount), opt(k.ttwuLocal));
        }
        List<SchedDomainSnapshot> domains = null;
        if (readDomains) {
            domains = readDomains(as, k.rqSd.read(rqBuf, 0), cpu);
        }
        ScxEventCounters ev = readEvents(as, cpu);
        return new CpuSnapshot(nr, scxNr, dsq, clock, flags, ev, ss, vcpuTimeNs, domains, kvmStats);
    }

    private long opt(Btf.Field f) {
        return f == null ? 0 : f.read(rqBuf, 0);
    }

    private List<SchedDomainSnapshot> readDomains(GuestAddressSpace as, long sd, int cpu) {
        List<SchedDomainSnapshot> out = new ArrayList<>(4);
        Set<Long> seen = new HashSet<>();
        try {
            while (sd != 0) {
                if (out.size() >= MAX_DOMAIN_DEPTH || !seen.add(sd)) {
                    errors.count(MonitorErrors.SCHED_DOMAIN_LOOP, String.format("cpu %d: sched_domain chain loops or "
                            + "exceeds %d levels at 0x%x", cpu, MAX_DOMAIN_DEPTH, sd));
                    break;
                }
                as.read(sd, sdBytes, 0, sdBytes.length);
                out.add(domain(as));
                sd = sdField("parent");
            }
            return out;
        } catch (RuntimeException e) {
            errors.count(MonitorErrors.SCHED_DOMAIN, "cpu " + cpu + ": " + e.getMessage());
            return out.isEmpty() ? null : out;
        }
    }

    private long sdField(String name) {
        Btf.Field f = k.sd.get(name);
        return f == null ? 0 : f.read(sdBuf, 0);
    }

    private Long sdOpt(String name) {
        Btf.Field f = k.sd.get(name);
        return f == null ? null : f.read(sdBuf, 0);
    }

    private List<Long> sdArray(String name) {
        Btf.Field f = k.sd.get(name);
        if (f == null) {
            return null;
        }
        int base = (int) f.offset();
        return List.of(sdBuf.getInt(base) & 0xffffffffL, sdBuf.getInt(base + 4) & 0xffffffffL,
                sdBuf.getInt(base + 8) & 0xffffffffL);
    }

    private SchedDomainSnapshot domain(GuestAddressSpace as) {
        String name = null;
        long namePtr = sdField("name");
        if (namePtr != 0) {
            try {
                name = as.cString(namePtr, MAX_NAME);
            } catch (RuntimeException e) {
                name = "?";
            }
        }
        SchedDomainStats stats = null;
        if (k.sd.containsKey("lb_count")) {
            // 6.12 has one lb_imbalance[]; newer kernels split it by kind. Report the old one as "load".
            List<Long> imbLoad = sdArray(k.sd.containsKey("lb_imbalance_load") ? "lb_imbalance_load" : "lb_imbalance");
            stats = new SchedDomainStats(sdArray("lb_count"), sdArray("lb_failed"), sdArray("lb_balanced"), imbLoad,
                    sdArray("lb_imbalance_util"), sdArray("lb_imbalance_task"), sdArray("lb_imbalance_misfit"),
                    sdArray("lb_gained"), sdArray("lb_hot_gained"), sdArray("lb_nobusyg"), sdArray("lb_nobusyq"),
                    sdField("alb_count"), sdField("alb_failed"), sdField("alb_pushed"), sdField("sbe_count"),
                    sdField("sbe_balanced"), sdField("sbe_pushed"), sdField("sbf_count"), sdField("sbf_balanced"),
                    sdField("sbf_pushed"), sdField("ttwu_wake_remote"), sdField("ttwu_move_affine"),
                    sdField("ttwu_move_balance"));
        }
        return new SchedDomainSnapshot((int) sdField("level"), name, (int) sdField("flags"), sdField("span_weight"),
                sdField("balance_interval"), sdField("nr_balance_failed"), sdOpt("newidle_call"),
                sdOpt("newidle_success"), sdOpt("newidle_ratio"), sdField("max_newidle_lb_cost"), stats);
    }

    /** Address of {@code cpu}'s struct scx_event_stats, or 0 when there is none (no scheduler attached). */
    private long eventStatsAddress(GuestAddressSpace as, int cpu) {
        SymbolMap syms = kernel.symbols();
        switch (k.eventLayout) {
            case PERCPU_SYMBOL:
                return as.perCpu(syms.require("event_stats_cpu"), cpu);
            case SCHED_EVENT_STATS_CPU: {
                long sch = as.u64(syms.require("scx_root"));
                if (sch == 0) {
                    return 0;
                }
                long pcpu = as.u64(sch + k.schedEventPtrOff);
                return pcpu == 0 ? 0 : pcpu + as.perCpuOffset(cpu);
            }
            case SCHED_PCPU: {
                long sch = as.u64(syms.require("scx_root"));
                if (sch == 0) {
                    return 0;
                }
                long pcpu = as.u64(sch + k.schedEventPtrOff);
                return pcpu == 0 ? 0 : pcpu + as.perCpuOffset(cpu) + k.pcpuEventStatsOff;
            }
            default:
                return 0;
        }
    }

    private ScxEventCounters readEvents(GuestAddressSpace as, int cpu) {
        if (k.eventLayout == KernelOffsets.EventStatsLayout.NONE) {
            return null;
        }
        try {
            long addr = eventStatsAddress(as, cpu);
            if (addr == 0) {
                return null;
            }
            as.read(addr, evBytes, 0, evBytes.length);
            long[] v = new long[KernelOffsets.SCX_EVENTS.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = k.eventOffsets[i] < 0 ? 0 : evBuf.getLong((int) k.eventOffsets[i]);
            }
            return new ScxEventCounters(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
                    v[12]);
        } catch (RuntimeException e) {
            errors.count(MonitorErrors.EVENT_COUNTERS, "cpu " + cpu + ": " + e.getMessage());
            return null;
        }
    }
}
