package io.ktstr4j.pipeline.checks;

import io.ktstr4j.schemas.event.FailureReport;
import io.ktstr4j.schemas.failure.CrashInfo;
import io.ktstr4j.schemas.failure.Timeline;
import io.ktstr4j.schemas.monitor.MonitorSummary;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import io.ktstr4j.vmm.console.ConsoleMarkers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Builds the structured failure report (ktstr's failure text sections as data): reasons, init stage reached, exit
 * code, last console lines, the scheduler log with repeated cycles collapsed, the monitor summary and verdict, the
 * timeline, sched_ext dump lines and the crash message.
 */
public final class FailureReportBuilder {

    public static final int CONSOLE_TAIL_LINES = 20;
    public static final String SCHED_OUTPUT_START = "===SCHED_OUTPUT_START===";
    public static final String SCHED_OUTPUT_END = "===SCHED_OUTPUT_END===";

    private FailureReportBuilder() {
    }

    /**
     * @param consoleLines every console line of the run, both ports, in arrival order
     * @param schedulerLog the scheduler's stdout/stderr lines (already extracted), or empty
     */
    public static FailureReport build(String runKey, String variant, Verdict verdict, RunFacts facts,
                                      List<String> consoleLines, List<String> schedulerLog, Timeline timeline) {
        List<String> details = new ArrayList<>();
        for (Reason r : verdict.reasons()) {
            details.add(r.kind() + ": " + r.message());
        }
        CrashInfo crash = null;
        if (facts.guestCrash() != null && !facts.guestCrash().isBlank()) {
            List<String> lines = Arrays.asList(facts.guestCrash().split("\n"));
            crash = new CrashInfo(lines.get(0), lines.subList(1, lines.size()));
        } else {
            List<String> panic = consoleLines.stream().filter(ConsoleMarkers::isPanic).toList();
            if (!panic.isEmpty()) {
                crash = new CrashInfo(panic.get(0).strip(), List.of());
            }
        }
        List<String> tail = consoleLines.subList(Math.max(0, consoleLines.size() - CONSOLE_TAIL_LINES),
                consoleLines.size());
        List<String> dump = consoleLines.stream().filter(l -> l.contains("sched_ext_dump")).toList();
        io.ktstr4j.schemas.failure.MonitorVerdict mv = null;
        MonitorConclusion m = facts.monitor();
        if (m != null) {
            List<String> md = new ArrayList<>();
            m.findings().forEach(f -> md.add(f.message()));
            MonitorSummary s = m.summary();
            if (s != null) {
                md.add(String.format(Locale.ROOT,
                        "samples=%d max_imbalance=%.2f max_local_dsq_depth=%d stall=%s avg_nr_running=%.2f",
                        s.totalSamples(), s.maxImbalanceRatio(), s.maxLocalDsqDepth(), s.stallDetected(),
                        s.avgNrRunning()));
            }
            mv = new io.ktstr4j.schemas.failure.MonitorVerdict(m.state() == MonitorConclusion.State.PASSED, md);
        }
        boolean timedOut = facts.vmExitReason() == io.ktstr4j.schemas.event.ExitReason.WATCHDOG_TIMEOUT;
        return new FailureReport(runKey, variant,
                verdict.reasons().stream().map(Reason::kind).distinct().toList(), details,
                facts.lastInitStage(), facts.guestExitCode(), timedOut, crash, List.copyOf(tail),
                new LogCollapser().collapse(schedulerLog), dump, mv, timeline, null);
    }

    /** The scheduler's output from COM2: lines between the SCHED_OUTPUT markers (all of them if there are several). */
    public static List<String> extractSchedulerLog(List<String> com2Lines) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : com2Lines) {
            if (l.contains(SCHED_OUTPUT_START)) {
                in = true;
            } else if (l.contains(SCHED_OUTPUT_END)) {
                in = false;
            } else if (in) {
                out.add(l);
            }
        }
        return out;
    }
}
