package io.ktstr4j.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.FailureReport;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureReportBuilderTest {

    @Test
    void reportCarriesEverySection() {
        List<String> console = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            console.add("line " + i);
        }
        console.add("sched_ext_dump: CPU 1: nr_run=3");
        console.add("Kernel panic - not syncing: Attempted to kill init!");
        List<String> com2 = new ArrayList<>(List.of("agent up", FailureReportBuilder.SCHED_OUTPUT_START));
        for (int r = 0; r < 4; r++) {
            for (int k = 0; k < 5; k++) {
                com2.add("tick " + k);
            }
        }
        com2.add("scx: exiting");
        com2.add(FailureReportBuilder.SCHED_OUTPUT_END);
        RunFacts facts = new RunFacts(true, null, null,
                new MonitorConclusion(MonitorConclusion.State.FAILED,
                        List.of(new Finding(FindingKind.MONITOR, "monitor: imbalance ratio 9.0")), null),
                1, "SCHED_STARTED", true, null, ExitReason.PANIC, 101, "kernel panic", null, null);
        Verdict v = VerdictMerger.merge(facts, Thresholds.resolve(ThresholdMode.RELEASE));
        FailureReport r = FailureReportBuilder.build("run-1", "steady/tiny-2llc/scx_qmap", v, facts, console,
                FailureReportBuilder.extractSchedulerLog(com2), null);
        assertThat(r.runKey()).isEqualTo("run-1");
        assertThat(r.variant()).isEqualTo("steady/tiny-2llc/scx_qmap");
        assertThat(r.reasonKinds()).contains(DetailKind.SCHEDULER_DIED, DetailKind.MONITOR);
        assertThat(r.details()).anyMatch(d -> d.startsWith("SCHEDULER_DIED: scheduler exited with code 1"));
        assertThat(r.initStage()).isEqualTo("SCHED_STARTED");
        assertThat(r.exitCode()).isEqualTo(101);
        assertThat(r.consoleTail()).hasSize(20).last().asString().contains("Kernel panic");
        assertThat(r.crash().message()).contains("Attempted to kill init");
        assertThat(r.schedExtDump()).containsExactly("sched_ext_dump: CPU 1: nr_run=3");
        assertThat(r.schedulerLog()).containsExactly("tick 0", "tick 1", "tick 2", "tick 3", "tick 4",
                LogCollapser.marker(5, 4), "scx: exiting");
        assertThat(r.monitorVerdict().passed()).isFalse();
        assertThat(r.monitorVerdict().details()).contains("monitor: imbalance ratio 9.0");
    }

    @Test
    void guestCrashMessageSplitsIntoMessageAndBacktrace() {
        RunFacts facts = new RunFacts(false, null, null, null, null, "INIT_STARTED", false,
                "agent: SIGSEGV\n#0 plan_run\n#1 main", ExitReason.REBOOT, 1, null, null, null);
        Verdict v = VerdictMerger.merge(facts, Thresholds.resolve(ThresholdMode.RELEASE));
        FailureReport r = FailureReportBuilder.build("r", "x/y/z", v, facts, List.of(), List.of(), null);
        assertThat(r.crash().message()).isEqualTo("agent: SIGSEGV");
        assertThat(r.crash().backtrace()).containsExactly("#0 plan_run", "#1 main");
        assertThat(r.reasonKinds()).containsExactly(DetailKind.INFRASTRUCTURE);
    }
}
