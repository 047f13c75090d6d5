package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.ScxEventCounters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * sched_ext event counters on a newer kernel's layout (6.16/6.17: {@code scx_root->event_stats_cpu}, a per-CPU
 * pointer), built with a synthetic BTF since the shipped 6.12 kernel has none. Also shows the sampler needs only the
 * rq fields and reports everything else absent.
 */
class EventCountersTest {

    static final long SCX_ROOT = SyntheticGuest.TEXT + 0x9000;
    static final long STATS_PCPU = 0x1000; // per-CPU pointer value: an offset into each CPU's area

    static Btf newerKernelBtf() {
        BtfBuilder b = new BtfBuilder();
        int u32 = b.intType("unsigned int", 4, false);
        int u64 = b.intType("long long unsigned int", 8, false);
        int s64 = b.intType("long long int", 8, true);
        int dsq = b.struct("scx_dispatch_q", 40, "nr", u32, 256, 0);
        int scxRq = b.struct("scx_rq", 128, "local_dsq", dsq, 0, 0, "nr_running", u32, 120 * 8, 0,
                "flags", u32, 124 * 8, 0);
        b.struct("rq", 512, "nr_running", u32, 32, 0, "clock", u64, 64, 0, "scx", scxRq, 128 * 8, 0);
        int stats = b.struct("scx_event_stats", 16, "SCX_EV_SELECT_CPU_FALLBACK", s64, 0, 0,
                "SCX_EV_DISPATCH_KEEP_LAST", s64, 64, 0);
        int statsPtr = b.ptr(stats);
        b.struct("scx_sched", 64, "event_stats_cpu", statsPtr, 8 * 8, 0);
        return Btf.parse(b.build());
    }

    @Test
    void readsPerCpuCountersThroughScxRoot() {
        Btf btf = newerKernelBtf();
        SyntheticGuest g = new SyntheticGuest(btf, 2, Map.of("scx_root", SCX_ROOT));
        g.setRq(0, 3, 3, 1, 5000, 0);
        long sched = g.alloc(64);
        g.memory().writeU64(sched + 8, STATS_PCPU);
        for (int cpu = 0; cpu < 2; cpu++) {
            long stats = g.perCpuAreaPhys(cpu) + STATS_PCPU;
            g.memory().writeU64(stats, 7 + cpu);       // select_cpu_fallback
            g.memory().writeU64(stats + 8, 3 + cpu);   // dispatch_keep_last
        }
        GuestKernel k = new GuestKernel(g.memory(), g.symbols(), btf, null);
        assertThat(k.offsets().eventLayout).isEqualTo(KernelOffsets.EventStatsLayout.SCHED_EVENT_STATS_CPU);
        MonitorSampler s = new MonitorSampler(k, 2, MonitorSampler.Options.defaults(), null, null, () -> 0);

        // No scheduler attached yet: scx_root is NULL, counters absent (null), not an error.
        List<CpuSnapshot> before = s.readNow();
        assertThat(before.get(0).eventCounters()).isNull();
        assertThat(s.errors().total()).isZero();

        g.memory().writeU64(SyntheticGuest.text(SCX_ROOT), SyntheticGuest.directMap(sched));
        List<CpuSnapshot> cpus = s.readNow();
        assertThat(cpus.get(0).nrRunning()).isEqualTo(3);
        assertThat(cpus.get(0).localDsqDepth()).isEqualTo(1);
        ScxEventCounters c0 = cpus.get(0).eventCounters();
        assertThat(c0.selectCpuFallback()).isEqualTo(7);
        assertThat(c0.dispatchKeepLast()).isEqualTo(3);
        assertThat(c0.bypassDispatch()).as("absent in this kernel's struct: 0").isZero();
        assertThat(cpus.get(1).eventCounters().selectCpuFallback()).isEqualTo(8);
        // no schedstat, no sched domains in this BTF: reported absent
        assertThat(cpus.get(0).schedstat()).isNull();
        assertThat(cpus.get(0).schedDomains()).isNull();
    }

    @Test
    void shipped612KernelHasNoEventCounters() {
        Btf btf = Btf.load(KernelFiles.require("vmlinux.btf"));
        SymbolMap syms = SymbolMap.fromSystemMap(KernelFiles.require("System.map"));
        assertThat(new KernelOffsets(btf, syms).eventLayout).isEqualTo(KernelOffsets.EventStatsLayout.NONE);
        assertThat(new KernelOffsets(btf, syms).hasSchedstat()).isTrue();
    }
}
