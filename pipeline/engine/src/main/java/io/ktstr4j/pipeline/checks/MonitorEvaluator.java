package io.ktstr4j.pipeline.checks;

import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.MonitorSummary;
import io.ktstr4j.schemas.monitor.ScxEventCounters;
import io.ktstr4j.schemas.monitor.ScxEventDeltas;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.vmm.monitor.MonitorViolation;
import io.ktstr4j.vmm.monitor.ViolationDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The post-run monitor evaluation, fed one sample at a time (the Reactor operators in {@link MonitorChecks} drive
 * it): the sustained violations come from the {@link ViolationDetector} the live host monitor uses too; this adds the
 * summary and the verdict, including "the monitor never initialised". Not thread-safe; one instance per stream.
 */
public final class MonitorEvaluator {

    private final ViolationDetector detector;

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
    private long maxFallbackBurst;
    private Long firstClock;
    private boolean clocksDiffer;
    private long implausibleDsq = -1;
    private long implausibleAtMs;

    /** Judges with the verdict's preemption threshold ({@link ViolationDetector#VERDICT_PREEMPT_THRESHOLD_NS}). */
    public MonitorEvaluator(Thresholds t) {
        this(t, ViolationDetector.VERDICT_PREEMPT_THRESHOLD_NS);
    }

    public MonitorEvaluator(Thresholds t, long preemptThresholdNs) {
        this.detector = new ViolationDetector(t, preemptThresholdNs);
    }

    /** Feeds one sample; returns the violations that became sustained with it (usually none). */
    public List<MonitorViolation> accept(MonitorSample s) {
        samples++;
        if (first == null) {
            first = s;
        }
        List<CpuSnapshot> cpus = s.cpus();
        long sampleMaxDsq = 0;
        for (CpuSnapshot cpu : cpus) {
            sampleMaxDsq = Math.max(sampleMaxDsq, cpu.localDsqDepth());
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
        if (sampleMaxDsq > ViolationDetector.DSQ_PLAUSIBILITY_CEILING && implausibleDsq < 0) {
            implausibleDsq = sampleMaxDsq;
            implausibleAtMs = s.elapsedMs();
        }
        double imbalance = ViolationDetector.imbalance(cpus);
        maxImbalance = Math.max(maxImbalance, imbalance);
        sumImbalance += imbalance;
        maxDsq = Math.max(maxDsq, sampleMaxDsq);
        if (prev != null && s.elapsedMs() > prev.elapsedMs()) {
            long fb = ViolationDetector.counterDelta(prev, s, ScxEventCounters::selectCpuFallback);
            if (fb >= 0) {
                maxFallbackBurst = Math.max(maxFallbackBurst, fb);
            }
        }
        prev = s;
        return detector.accept(s);
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
                            implausibleDsq, implausibleAtMs, ViolationDetector.DSQ_PLAUSIBILITY_CEILING))), summary);
        }
        if (!clocksDiffer) {
            return new MonitorConclusion(MonitorConclusion.State.NOT_INITIALIZED, List.of(new Finding(
                    FindingKind.NOT_INITIALIZED, "monitor not initialised: every rq_clock read was identical ("
                            + firstClock + ") over " + samples + " samples")), summary);
        }
        List<MonitorViolation> sustained = detector.firstSustained();
        if (sustained.isEmpty()) {
            return new MonitorConclusion(MonitorConclusion.State.PASSED, List.of(), summary);
        }
        List<Finding> f = new ArrayList<>();
        for (MonitorViolation v : sustained) {
            f.add(new Finding(FindingKind.MONITOR, "monitor: " + v.message()));
        }
        return new MonitorConclusion(MonitorConclusion.State.FAILED, f, summary);
    }

    private MonitorSummary summary() {
        ScxEventDeltas deltas = null;
        if (first != null && prev != null && first != prev) {
            long fb = ViolationDetector.counterDelta(first, prev, ScxEventCounters::selectCpuFallback);
            if (fb >= 0) {
                double span = Math.max(1e-9, (prev.elapsedMs() - first.elapsedMs()) / 1000.0);
                long kl = ViolationDetector.counterDelta(first, prev, ScxEventCounters::dispatchKeepLast);
                deltas = new ScxEventDeltas(fb, fb / span, maxFallbackBurst,
                        ViolationDetector.counterDelta(first, prev, ScxEventCounters::dispatchLocalDsqOffline), kl, kl / span,
                        ViolationDetector.counterDelta(first, prev, ScxEventCounters::enqSkipExiting),
                        ViolationDetector.counterDelta(first, prev, ScxEventCounters::enqSkipMigrationDisabled),
                        ViolationDetector.counterDelta(first, prev, ScxEventCounters::reenqImmed),
                        ViolationDetector.counterDelta(first, prev, ScxEventCounters::reenqLocalRepeat),
                        ViolationDetector.counterDelta(first, prev, ScxEventCounters::refillSliceDfl),
                        ViolationDetector.counterDelta(first, prev, ScxEventCounters::bypassDuration),
                        ViolationDetector.counterDelta(first, prev, ScxEventCounters::bypassDispatch),
                        ViolationDetector.counterDelta(first, prev, ScxEventCounters::bypassActivate),
                        ViolationDetector.counterDelta(first, prev, ScxEventCounters::insertNotOwned),
                        ViolationDetector.counterDelta(first, prev, ScxEventCounters::subBypassDispatch));
            }
        }
        return new MonitorSummary(samples, maxImbalance, maxDsq, detector.stallSeen(), sumImbalance / samples,
                nrRunningCount == 0 ? 0 : sumNrRunning / nrRunningCount, dsqCount == 0 ? 0 : sumDsq / dsqCount,
                deltas, null, null);
    }
}
