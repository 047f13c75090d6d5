package io.ktstr4j.pipeline.checks;

import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.failure.Timeline;
import io.ktstr4j.schemas.failure.TimelinePhase;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.ScxEventCounters;
import io.ktstr4j.schemas.sidecar.TimelineStimulusEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Joins stimulus events (step boundaries, ms since scenario start) with monitor samples (ms since VM start) into
 * phases with per-phase metrics. {@code scenarioStartMs} is where the scenario started on the monitor's clock.
 */
public final class TimelineBuilder {

    private TimelineBuilder() {
    }

    public static Timeline build(String kernel, String topology, String scheduler, List<Stimulus> stimuli,
                                 List<MonitorSample> samples, long scenarioStartMs, long scenarioEndMs) {
        List<Stimulus> st = stimuli.stream().sorted(Comparator.comparingLong(Stimulus::elapsedMs)).toList();
        List<TimelinePhase> phases = new ArrayList<>();
        for (int i = 0; i < st.size(); i++) {
            Stimulus s = st.get(i);
            long start = s.elapsedMs();
            long end = i + 1 < st.size() ? st.get(i + 1).elapsedMs() : Math.max(start, scenarioEndMs);
            Long nextIterations = i + 1 < st.size() ? st.get(i + 1).totalIterations() : null;
            phases.add(phase("StepStart[" + s.stepIndex() + "]", start, end, s.totalIterations(), nextIterations,
                    samples, scenarioStartMs));
        }
        return new Timeline(kernel, topology, scheduler, scenarioEndMs > 0 ? scenarioEndMs : null, phases);
    }

    private static TimelinePhase phase(String label, long startMs, long endMs, long iterAtStart, Long iterAtEnd,
                                       List<MonitorSample> samples, long offset) {
        List<MonitorSample> in = samples.stream()
                .filter(m -> m.elapsedMs() - offset >= startMs && m.elapsedMs() - offset < endMs)
                .sorted(Comparator.comparingLong(MonitorSample::elapsedMs)).toList();
        double sumImb = 0;
        double maxImb = 0;
        double sumDsq = 0;
        long maxDsq = 0;
        long stalls = 0;
        long dsqCount = 0;
        for (int k = 0; k < in.size(); k++) {
            MonitorSample m = in.get(k);
            double imb = m.imbalanceRatio();
            sumImb += imb;
            maxImb = Math.max(maxImb, imb);
            for (CpuSnapshot c : m.cpus()) {
                sumDsq += c.localDsqDepth();
                dsqCount++;
                maxDsq = Math.max(maxDsq, c.localDsqDepth());
            }
            if (k > 0) {
                List<CpuSnapshot> p = in.get(k - 1).cpus();
                for (int c = 0; c < Math.min(p.size(), m.cpus().size()); c++) {
                    CpuSnapshot a = p.get(c);
                    CpuSnapshot b = m.cpus().get(c);
                    if (a.rqClock() == b.rqClock() && a.nrRunning() > 0 && b.nrRunning() > 0) {
                        stalls++;
                    }
                }
            }
        }
        double fallbackRate = 0;
        double keepLastRate = 0;
        if (in.size() >= 2) {
            MonitorSample a = in.get(0);
            MonitorSample b = in.get(in.size() - 1);
            double s = (b.elapsedMs() - a.elapsedMs()) / 1000.0;
            if (s > 0) {
                fallbackRate = delta(a, b, true) / s;
                keepLastRate = delta(a, b, false) / s;
            }
        }
        double seconds = (endMs - startMs) / 1000.0;
        double iterationRate = iterAtEnd != null && seconds > 0 ? (iterAtEnd - iterAtStart) / seconds : 0.0;
        int n = in.size();
        return new TimelinePhase(label, startMs, endMs, n, n == 0 ? 0 : sumImb / n, maxImb,
                dsqCount == 0 ? 0 : sumDsq / dsqCount, maxDsq, stalls, fallbackRate, keepLastRate, iterationRate);
    }

    private static long delta(MonitorSample a, MonitorSample b, boolean fallback) {
        long t = 0;
        for (int c = 0; c < Math.min(a.cpus().size(), b.cpus().size()); c++) {
            ScxEventCounters x = a.cpus().get(c).eventCounters();
            ScxEventCounters y = b.cpus().get(c).eventCounters();
            if (x != null && y != null) {
                t += fallback ? y.selectCpuFallback() - x.selectCpuFallback()
                        : y.dispatchKeepLast() - x.dispatchKeepLast();
            }
        }
        return Math.max(0, t);
    }

    /** The stimulus events as the sidecar records them (ktstr's {@code StimulusEvent}). */
    public static List<TimelineStimulusEvent> sidecarEvents(List<Stimulus> stimuli) {
        return stimuli.stream().sorted(Comparator.comparingLong(Stimulus::elapsedMs))
                .map(s -> new TimelineStimulusEvent(s.elapsedMs(), "StepStart[" + s.stepIndex() + "]",
                        "ops=" + s.opCount(), s.cgroupCount() + " cgroups, " + s.workerCount() + " workers",
                        s.totalIterations()))
                .toList();
    }
}
