package io.ktstr4j.pipeline.checks;

import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.MonitorSummary;
import io.ktstr4j.schemas.monitor.ScxEventCounters;
import io.ktstr4j.schemas.monitor.ScxEventDeltas;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The monitor checks as a state machine fed one sample at a time (the Reactor operators in {@link MonitorChecks}
 * drive it). Each condition must hold for {@code sustainedSamples} consecutive samples before it counts:
 * imbalance ratio, local DSQ depth, a stalled CPU (rq_clock frozen with runnable tasks, preempted vCPUs exempt),
 * select_cpu_fallback rate and dispatch_keep_last rate. Not thread-safe; one instance per stream.
 */
public final class MonitorEvaluator {

    /** A vCPU whose host thread ran less than this between samples was preempted; its frozen clock is not a stall. */
    public static final long DEFAULT_PREEMPT_THRESHOLD_NS = 10 * 4_000_000L; // 10 ticks at HZ=250

    private final Thresholds t;
    private final long preemptThresholdNs;

    private MonitorSample prev;
    private MonitorSample first;
    private long samples;
    private double maxImbalance;
    private long maxDsq;
    private double sumImbalance;
    private double sumNrRunning;
    private long nrRunningCount;
    private double sumDsq;
    private long dsqCount;
    private boolean stallSeen;
    private long maxFallbackBurst;
    private Long firstClock;
    private boolean clocksDiffer;
    private long implausibleDsq = -1;
    private long implausibleAtMs;

    private final Map<String, Integer> runs = new HashMap<>();
    /** First sustained violation per check (the verdict names each check once, with where it started). */
    private final Map<String, MonitorViolation> sustained = new LinkedHashMap<>();

    public MonitorEvaluator(Thresholds t) {
        this(t, DEFAULT_PREEMPT_THRESHOLD_NS);
    }

    public MonitorEvaluator(Thresholds t, long preemptThresholdNs) {
        this.t = t;
        this.preemptThresholdNs = preemptThresholdNs;
    }

    /** Feeds one sample; returns the violations that became sustained with it (usually none). */
    public List<MonitorViolation> accept(MonitorSample s) {
        List<MonitorViolation> fresh = new ArrayList<>();
        samples++;
        if (first == null) {
            first = s;
        }
        List<CpuSnapshot> cpus = s.cpus();
        long minNr = Long.MAX_VALUE;
        long maxNr = 0;
        long sampleMaxDsq = 0;
        int dsqCpu = -1;
        for (int c = 0; c < cpus.size(); c++) {
            CpuSnapshot cpu = cpus.get(c);
            minNr = Math.min(minNr, cpu.nrRunning());
            maxNr = Math.max(maxNr, cpu.nrRunning());
            if (cpu.localDsqDepth() > sampleMaxDsq) {
                sampleMaxDsq = cpu.localDsqDepth();
                dsqCpu = c;
            }
            sumNrRunning += cpu.nrRunning();
            nrRunningCount++;
            sumDsq += cpu.localDsqDepth();
            dsqCount++;
            if (firstClock == null) {
                firstClock = cpu.rqClock();
            } else if (cpu.rqClock() != firstClock) {
                clocksDiffer = true;
            }
        }
        if (sampleMaxDsq > Thresholds.DSQ_PLAUSIBILITY_CEILING && implausibleDsq < 0) {
            implausibleDsq = sampleMaxDsq;
            implausibleAtMs = s.elapsedMs();
        }
        double imbalance = cpus.isEmpty() ? 0.0 : (double) maxNr / Math.max(1, minNr);
        maxImbalance = Math.max(maxImbalance, imbalance);
        sumImbalance += imbalance;
        maxDsq = Math.max(maxDsq, sampleMaxDsq);

        track("imbalance", imbalance > t.maxImbalanceRatio(), s, -1, imbalance, t.maxImbalanceRatio(),
                String.format(Locale.ROOT, "imbalance ratio %.1f (max/min nr_running %d/%d) > %.1f",
                        imbalance, maxNr, minNr == Long.MAX_VALUE ? 0 : minNr, t.maxImbalanceRatio()), fresh);
        track("local_dsq_depth", sampleMaxDsq > t.maxLocalDsqDepth(), s, dsqCpu, sampleMaxDsq,
                t.maxLocalDsqDepth(), String.format(Locale.ROOT, "local DSQ depth %d on cpu%d > %d",
                        sampleMaxDsq, dsqCpu, t.maxLocalDsqDepth()), fresh);

        if (prev != null) {
            double dtS = (s.elapsedMs() - prev.elapsedMs()) / 1000.0;
            List<CpuSnapshot> pc = prev.cpus();
            int n = Math.min(pc.size(), cpus.size());
            for (int c = 0; c < n; c++) {
                boolean stalled = isStalled(pc.get(c), cpus.get(c));
                if (stalled) {
                    stallSeen = true;
                }
                track("stall:cpu" + c, t.failOnStall() && stalled, s, c, 0, 0, String.format(Locale.ROOT,
                        "stall: cpu%d rq_clock stuck at %d with %d runnable tasks", c, cpus.get(c).rqClock(),
                        cpus.get(c).nrRunning()), fresh);
            }
            if (dtS > 0) {
                long fb = counterDelta(prev, s, ScxEventCounters::selectCpuFallback);
                long kl = counterDelta(prev, s, ScxEventCounters::dispatchKeepLast);
                if (fb >= 0) {
                    maxFallbackBurst = Math.max(maxFallbackBurst, fb);
                    double rate = fb / dtS;
                    track("fallback_rate", rate > t.maxFallbackRate(), s, -1, rate, t.maxFallbackRate(),
                            String.format(Locale.ROOT, "select_cpu_fallback rate %.0f/s > %.0f/s",
                                    rate, t.maxFallbackRate()), fresh);
                }
                if (kl >= 0) {
                    double rate = kl / dtS;
                    track("keep_last_rate", rate > t.maxKeepLastRate(), s, -1, rate, t.maxKeepLastRate(),
                            String.format(Locale.ROOT, "dispatch_keep_last rate %.0f/s > %.0f/s",
                                    rate, t.maxKeepLastRate()), fresh);
                }
            }
        }
        prev = s;
        return fresh;
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

    /** Sum over CPUs of the counter's increase, or -1 when the kernel does not provide event counters. */
    private static long counterDelta(MonitorSample a, MonitorSample b,
                                     java.util.function.ToLongFunction<ScxEventCounters> f) {
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

    private void track(String key, boolean violating, MonitorSample s, int cpu, double value, double limit,
                       String message, List<MonitorViolation> fresh) {
        if (!violating) {
            runs.remove(key);
            return;
        }
        int run = runs.merge(key, 1, Integer::sum);
        if (run == t.sustainedSamples()) {
            String check = key.startsWith("stall:") ? "stall" : key;
            MonitorViolation v = new MonitorViolation(check, s.elapsedMs(), cpu, value, limit,
                    message + String.format(Locale.ROOT, " for %d samples up to +%dms", run, s.elapsedMs()));
            sustained.putIfAbsent(key, v);
            fresh.add(v);
        }
    }

    /** The verdict over everything fed so far. */
    public MonitorConclusion finish() {
        if (samples == 0) {
            return new MonitorConclusion(MonitorConclusion.State.NO_SAMPLES,
                    List.of(new Finding(FindingKind.NOT_INITIALIZED, "monitor: no samples were taken")), null);
        }
        MonitorSummary summary = summary();
        if (implausibleDsq >= 0) {
            return new MonitorConclusion(MonitorConclusion.State.NOT_INITIALIZED, List.of(new Finding(
                    FindingKind.NOT_INITIALIZED, String.format(Locale.ROOT,
                            "monitor not initialised: local DSQ depth %d at +%dms is past the plausibility ceiling %d",
                            implausibleDsq, implausibleAtMs, Thresholds.DSQ_PLAUSIBILITY_CEILING))), summary);
        }
        if (!clocksDiffer) {
            return new MonitorConclusion(MonitorConclusion.State.NOT_INITIALIZED, List.of(new Finding(
                    FindingKind.NOT_INITIALIZED, "monitor not initialised: every rq_clock read was identical ("
                            + firstClock + ") over " + samples + " samples")), summary);
        }
        if (sustained.isEmpty()) {
            return new MonitorConclusion(MonitorConclusion.State.PASSED, List.of(), summary);
        }
        List<Finding> f = new ArrayList<>();
        for (MonitorViolation v : sustained.values()) {
            f.add(new Finding(FindingKind.MONITOR, "monitor: " + v.message()));
        }
        return new MonitorConclusion(MonitorConclusion.State.FAILED, f, summary);
    }

    private MonitorSummary summary() {
        ScxEventDeltas deltas = null;
        if (first != null && prev != null && first != prev) {
            long fb = counterDelta(first, prev, ScxEventCounters::selectCpuFallback);
            if (fb >= 0) {
                double span = Math.max(1e-9, (prev.elapsedMs() - first.elapsedMs()) / 1000.0);
                long kl = counterDelta(first, prev, ScxEventCounters::dispatchKeepLast);
                deltas = new ScxEventDeltas(fb, fb / span, maxFallbackBurst,
                        counterDelta(first, prev, ScxEventCounters::dispatchLocalDsqOffline), kl, kl / span,
                        counterDelta(first, prev, ScxEventCounters::enqSkipExiting),
                        counterDelta(first, prev, ScxEventCounters::enqSkipMigrationDisabled),
                        counterDelta(first, prev, ScxEventCounters::reenqImmed),
                        counterDelta(first, prev, ScxEventCounters::reenqLocalRepeat),
                        counterDelta(first, prev, ScxEventCounters::refillSliceDfl),
                        counterDelta(first, prev, ScxEventCounters::bypassDuration),
                        counterDelta(first, prev, ScxEventCounters::bypassDispatch),
                        counterDelta(first, prev, ScxEventCounters::bypassActivate),
                        counterDelta(first, prev, ScxEventCounters::insertNotOwned),
                        counterDelta(first, prev, ScxEventCounters::subBypassDispatch));
            }
        }
        return new MonitorSummary(samples, maxImbalance, maxDsq, stallSeen, sumImbalance / samples,
                nrRunningCount == 0 ? 0 : sumNrRunning / nrRunningCount, dsqCount == 0 ? 0 : sumDsq / dsqCount,
                deltas, null, null);
    }
}
