package io.ktstr4j.vmm.monitor;

import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.ScxEventCounters;
import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.spec.Thresholds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The sustained-violation detector, fed one sample at a time: each condition must hold for {@code sustained_samples}
 * consecutive samples before it counts. Conditions: imbalance ratio, local DSQ depth, a stalled CPU (rq_clock frozen
 * with runnable tasks; idle CPUs and preempted vCPUs exempt; only with {@code fail_on_stall}), select_cpu_fallback
 * rate and dispatch_keep_last rate. Each violation is reported once, on the sample where it becomes sustained.
 * Used live by the host monitor (to ask for a dump) and by the post-run monitor evaluation (the verdict). Not
 * thread-safe; one instance per sample stream.
 */
public final class ViolationDetector {

    public static final String IMBALANCE = "imbalance";
    public static final String DSQ_DEPTH = "local_dsq_depth";
    public static final String STALL = "stall";
    public static final String FALLBACK_RATE = "fallback_rate";
    public static final String KEEP_LAST_RATE = "keep_last_rate";

    /** A local DSQ deeper than this is not real data: the monitor read memory the kernel has not set up yet. */
    public static final long DSQ_PLAUSIBILITY_CEILING = 10_000;

    /**
     * Preemption threshold of the live host monitor: 10 ticks at HZ=1000 (ktstr's value). Its violations only ask
     * for a diagnostic dump, so it keeps ktstr's early trigger.
     */
    public static final long LIVE_PREEMPT_THRESHOLD_NS = 10 * 1_000_000L;

    /**
     * Preemption threshold of the verdict: 10 ticks at HZ=250, the slowest tick rate in use. Its violations fail the
     * run, so a vCPU the host ran for less than 10 guest ticks of any kernel is never blamed on the scheduler.
     */
    public static final long VERDICT_PREEMPT_THRESHOLD_NS = 10 * 4_000_000L;

    private final AssertThresholds t;
    private final long preemptThresholdNs;
    private MonitorSample prev;
    private boolean stallSeen;
    private final Map<String, Integer> runs = new HashMap<>();
    /** First sustained violation per check (and per CPU for stalls), in the order they happened. */
    private final Map<String, MonitorViolation> firstSustained = new LinkedHashMap<>();

    /**
     * @param preemptThresholdNs a vCPU whose host thread ran less than this between two samples counts as preempted:
     *                           the guest could not advance its clock, so a frozen clock is not a stall
     */
    public ViolationDetector(Thresholds thresholds, long preemptThresholdNs) {
        this.t = thresholds.values();
        this.preemptThresholdNs = preemptThresholdNs;
    }

    /** Feeds one sample; returns the violations that became sustained with it (usually none). */
    public List<MonitorViolation> accept(MonitorSample s) {
        List<MonitorViolation> fresh = new ArrayList<>();
        List<CpuSnapshot> cpus = s.cpus();
        long minNr = Long.MAX_VALUE;
        long maxNr = 0;
        long maxDsq = 0;
        int dsqCpu = -1;
        for (int c = 0; c < cpus.size(); c++) {
            CpuSnapshot cpu = cpus.get(c);
            minNr = Math.min(minNr, cpu.nrRunning());
            maxNr = Math.max(maxNr, cpu.nrRunning());
            long depth = cpu.localDsqDepth();
            if (depth > maxDsq && depth <= DSQ_PLAUSIBILITY_CEILING) {
                maxDsq = depth;
                dsqCpu = c;
            }
        }
        double imbalance = imbalance(cpus);
        track(IMBALANCE, -1, imbalance > t.maxImbalanceRatio(), s, imbalance, t.maxImbalanceRatio(),
                String.format(Locale.ROOT, "imbalance ratio %.1f (max/min nr_running %d/%d) > %.1f",
                        imbalance, maxNr, minNr == Long.MAX_VALUE ? 0 : minNr, t.maxImbalanceRatio()), fresh);
        track(DSQ_DEPTH, dsqCpu, maxDsq > t.maxLocalDsqDepth(), s, maxDsq, t.maxLocalDsqDepth(),
                String.format(Locale.ROOT, "local DSQ depth %d on cpu%d > %d", maxDsq, dsqCpu,
                        t.maxLocalDsqDepth()), fresh);
        if (prev != null) {
            List<CpuSnapshot> pc = prev.cpus();
            int n = Math.min(pc.size(), cpus.size());
            for (int c = 0; c < n; c++) {
                boolean stalled = isStalled(pc.get(c), cpus.get(c));
                stallSeen |= stalled;
                track(STALL, c, t.failOnStall() && stalled, s, 0, 0, String.format(Locale.ROOT,
                        "stall: cpu%d rq_clock stuck at %d with %d runnable tasks", c, cpus.get(c).rqClock(),
                        cpus.get(c).nrRunning()), fresh);
            }
            double dtS = (s.elapsedMs() - prev.elapsedMs()) / 1000.0;
            if (dtS > 0) {
                long fb = counterDelta(prev, s, ScxEventCounters::selectCpuFallback);
                if (fb >= 0) {
                    double rate = fb / dtS;
                    track(FALLBACK_RATE, -1, rate > t.maxFallbackRate(), s, rate, t.maxFallbackRate(),
                            String.format(Locale.ROOT, "select_cpu_fallback rate %.0f/s > %.0f/s",
                                    rate, t.maxFallbackRate()), fresh);
                }
                long kl = counterDelta(prev, s, ScxEventCounters::dispatchKeepLast);
                if (kl >= 0) {
                    double rate = kl / dtS;
                    track(KEEP_LAST_RATE, -1, rate > t.maxKeepLastRate(), s, rate, t.maxKeepLastRate(),
                            String.format(Locale.ROOT, "dispatch_keep_last rate %.0f/s > %.0f/s",
                                    rate, t.maxKeepLastRate()), fresh);
                }
            }
        }
        prev = s;
        return fresh;
    }

    /** The first sustained violation of each check (each stalled CPU separately), in order. */
    public List<MonitorViolation> firstSustained() {
        return List.copyOf(firstSustained.values());
    }

    /** Whether any CPU was stalled between two samples, sustained or not. */
    public boolean stallSeen() {
        return stallSeen;
    }

    /** {@code max(nr_running) / max(1, min(nr_running))} across the CPUs; 0 without CPUs. */
    public static double imbalance(List<CpuSnapshot> cpus) {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (CpuSnapshot c : cpus) {
            min = Math.min(min, c.nrRunning());
            max = Math.max(max, c.nrRunning());
        }
        return cpus.isEmpty() ? 0.0 : (double) max / Math.max(1, min);
    }

    /**
     * Sum over CPUs of the counter's increase from {@code a} to {@code b}, or -1 when the kernel does not provide
     * event counters.
     */
    public static long counterDelta(MonitorSample a, MonitorSample b, ToLongFunction<ScxEventCounters> f) {
        long total = 0;
        boolean any = false;
        int n = Math.min(a.cpus().size(), b.cpus().size());
        for (int c = 0; c < n; c++) {
            ScxEventCounters x = a.cpus().get(c).eventCounters();
            ScxEventCounters y = b.cpus().get(c).eventCounters();
            if (x != null && y != null) {
                total += Math.max(0, f.applyAsLong(y) - f.applyAsLong(x));
                any = true;
            }
        }
        return any ? total : -1;
    }

    private boolean isStalled(CpuSnapshot before, CpuSnapshot now) {
        if (now.rqClock() != before.rqClock()) {
            return false;
        }
        if (before.nrRunning() == 0 || now.nrRunning() == 0) {
            return false; // idle CPUs legitimately stop their clock (NO_HZ)
        }
        if (before.vcpuCpuTimeNs() != null && now.vcpuCpuTimeNs() != null
                && now.vcpuCpuTimeNs() - before.vcpuCpuTimeNs() < preemptThresholdNs) {
            return false; // the vCPU itself did not run on the host: the guest could not advance its clock
        }
        return true;
    }

    private void track(String check, int cpu, boolean violating, MonitorSample s, double value, double limit,
                       String message, List<MonitorViolation> fresh) {
        String key = STALL.equals(check) ? check + ":cpu" + cpu : check;
        if (!violating) {
            runs.remove(key);
            return;
        }
        int run = runs.merge(key, 1, Integer::sum);
        if (run == t.sustainedSamples()) {
            MonitorViolation v = new MonitorViolation(check, s.elapsedMs(), cpu, value, limit,
                    message + String.format(Locale.ROOT, " for %d samples up to +%dms", run, s.elapsedMs()));
            firstSustained.putIfAbsent(key, v);
            fresh.add(v);
        }
    }
}
