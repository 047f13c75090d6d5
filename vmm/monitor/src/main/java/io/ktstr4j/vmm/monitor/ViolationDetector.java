package io.ktstr4j.vmm.monitor;

import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.MonitorThresholds;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches consecutive samples for violations that persist ({@code sustainedSamples} in a row): a stalled CPU
 * (rq clock not advancing while it has runnable tasks; idle CPUs and preempted vCPUs exempt), an imbalance
 * ({@code max(nr_running)/max(1,min)} above the limit) and an over-deep local DSQ. It reports each violation once,
 * on the sample where it becomes sustained. This only drives the reactive dump; verdicts are the pipeline's checks.
 */
public final class ViolationDetector {

    /** A violation that just became sustained. {@code cpu} is -1 for whole-machine ones (imbalance). */
    public record Violation(String kind, int cpu, String reason) {}

    public static final String STALL = "stall";
    public static final String IMBALANCE = "imbalance";
    public static final String DSQ_DEPTH = "local_dsq_depth";

    private final MonitorThresholds thresholds;
    private final long preemptThresholdNs;
    private List<CpuSnapshot> prev;
    private int[] stallStreak = new int[0];
    private int imbalanceStreak;
    private int[] dsqStreak = new int[0];

    /**
     * @param preemptThresholdNs a vCPU whose host thread ran less than this between two samples counts as preempted
     *                           (ktstr: 10 tick periods, 10 ms at HZ=1000)
     */
    public ViolationDetector(MonitorThresholds thresholds, long preemptThresholdNs) {
        this.thresholds = thresholds;
        this.preemptThresholdNs = preemptThresholdNs;
    }

    public List<Violation> update(List<CpuSnapshot> cpus) {
        int n = cpus.size();
        if (stallStreak.length != n) {
            stallStreak = new int[n];
            dsqStreak = new int[n];
            prev = null;
        }
        int sustained = thresholds.sustainedSamples();
        List<Violation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CpuSnapshot c = cpus.get(i);
            if (prev != null && isStalled(prev.get(i), c)) {
                if (++stallStreak[i] == sustained) {
                    out.add(new Violation(STALL, i, String.format("cpu %d: rq clock stuck at %d with %d runnable for "
                            + "%d samples", i, c.rqClock(), c.nrRunning(), sustained)));
                }
            } else {
                stallStreak[i] = 0;
            }
            long depth = c.localDsqDepth();
            if (depth > thresholds.maxLocalDsqDepth() && depth <= MonitorThresholds.DSQ_PLAUSIBILITY_CEILING) {
                if (++dsqStreak[i] == sustained) {
                    out.add(new Violation(DSQ_DEPTH, i, String.format("cpu %d: local DSQ depth %d > %d for %d samples",
                            i, depth, thresholds.maxLocalDsqDepth(), sustained)));
                }
            } else {
                dsqStreak[i] = 0;
            }
        }
        double ratio = imbalance(cpus);
        if (n > 1 && ratio > thresholds.maxImbalanceRatio()) {
            if (++imbalanceStreak == sustained) {
                out.add(new Violation(IMBALANCE, -1, String.format("imbalance ratio %.1f > %.1f for %d samples", ratio,
                        thresholds.maxImbalanceRatio(), sustained)));
            }
        } else {
            imbalanceStreak = 0;
        }
        prev = List.copyOf(cpus);
        return out;
    }

    private boolean isStalled(CpuSnapshot before, CpuSnapshot now) {
        if (now.rqClock() != before.rqClock()) {
            return false;
        }
        if (now.nrRunning() == 0 && before.nrRunning() == 0) {
            return false; // idle: the tick is stopped, the clock legitimately does not move
        }
        if (now.vcpuCpuTimeNs() != null && before.vcpuCpuTimeNs() != null
                && now.vcpuCpuTimeNs() - before.vcpuCpuTimeNs() < preemptThresholdNs) {
            return false; // the host did not run this vCPU: not the guest scheduler's fault
        }
        return true;
    }

    static double imbalance(List<CpuSnapshot> cpus) {
        long max = 0;
        long min = Long.MAX_VALUE;
        for (CpuSnapshot c : cpus) {
            max = Math.max(max, c.nrRunning());
            min = Math.min(min, c.nrRunning());
        }
        return cpus.isEmpty() ? 1.0 : (double) max / Math.max(1, min);
    }

    public int stallStreak(int cpu) {
        return cpu < stallStreak.length ? stallStreak[cpu] : 0;
    }

    public int imbalanceStreak() {
        return imbalanceStreak;
    }
}
