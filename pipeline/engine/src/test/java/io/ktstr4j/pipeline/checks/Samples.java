package io.ktstr4j.pipeline.checks;

import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.ScxEventCounters;
import java.util.ArrayList;
import java.util.List;

/** Crafted monitor samples for the monitor tests. */
final class Samples {

    private Samples() {
    }

    /** One sample every 100 ms; each CPU's clock advances with time, nr_running and DSQ depth as given. */
    static MonitorSample sample(long ms, long[] nrRunning, long[] dsq) {
        List<CpuSnapshot> cpus = new ArrayList<>();
        for (int c = 0; c < nrRunning.length; c++) {
            cpus.add(CpuSnapshot.basic(nrRunning[c], nrRunning[c], dsq[c], ms * 1_000_000L + c, 0));
        }
        return new MonitorSample(ms, cpus, null);
    }

    static MonitorSample balanced(long ms) {
        return sample(ms, new long[] {2, 2, 2, 2}, new long[] {1, 0, 1, 0});
    }

    static MonitorSample withCounters(long ms, long fallbackPerCpu, long keepLastPerCpu) {
        List<CpuSnapshot> cpus = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            ScxEventCounters e = new ScxEventCounters(fallbackPerCpu, 0, keepLastPerCpu, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            cpus.add(new CpuSnapshot(1, 1, 0, ms * 1_000_000L + c, 0, e, null, null, null, null));
        }
        return new MonitorSample(ms, cpus, null);
    }

    static MonitorSample frozen(long ms, long clock, long[] nr, Long[] vcpuNs) {
        List<CpuSnapshot> cpus = new ArrayList<>();
        for (int c = 0; c < nr.length; c++) {
            long clk = c == 0 ? clock : ms * 1_000_000L + c; // cpu0 frozen, others advance
            cpus.add(new CpuSnapshot(nr[c], nr[c], 0, clk, 0, null, null, vcpuNs == null ? null : vcpuNs[c], null, null));
        }
        return new MonitorSample(ms, cpus, null);
    }
}
