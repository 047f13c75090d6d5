package io.ktstr4j.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.report.AssertDetail;
import io.ktstr4j.schemas.report.AssertResult;
import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerdictMergerTest {

    static final Thresholds T = Thresholds.resolve(ThresholdMode.RELEASE);
    static final AssertResult PASSED = AssertResult.pass(ScenarioStats.empty());

    static WorkerChecks.Result healthyWorkers() {
        return WorkerChecks.evaluate(List.of(CgroupReports.of("cg0", List.of(
                WorkerChecksTest.worker(1, 1000, 10, 10, Set.of(0)),
                WorkerChecksTest.worker(2, 1000, 10, 10, Set.of(1))))), T);
    }

    static MonitorConclusion monitor(MonitorConclusion.State s, FindingKind k, String msg) {
        return new MonitorConclusion(s, msg == null ? List.of() : List.of(new Finding(k, msg)), null);
    }

    static RunFacts facts(boolean scx, AssertResult g, WorkerChecks.Result w, MonitorConclusion m, Integer schedExit,
                          String stage, ExitReason exit) {
        return new RunFacts(scx, g, w, m, schedExit, stage, stage != null, null, exit, 0, null, 100L, null);
    }

    @Test
    void healthyEevdfRunPassesWithThresholdsRecorded() {
        Verdict v = VerdictMerger.merge(facts(false, PASSED, healthyWorkers(), null, null, "SCHED_STARTED",
                ExitReason.REBOOT), T);
        assertThat(v.outcome()).isEqualTo(Outcome.PASS);
        assertThat(v.reasons()).isEmpty();
        assertThat(v.thresholds().maxGapMs()).isEqualTo(2000L);
        assertThat(v.thresholds().maxSpreadPct()).isEqualTo(15.0);
        assertThat(v.thresholds().sustainedSamples()).isEqualTo(5);
    }

    @Test
    void schedulerDeathFailsEvenWithoutAResult() {
        Verdict v = VerdictMerger.merge(facts(true, null, null, null, 1, "SCHED_STARTED", ExitReason.REBOOT), T);
        assertThat(v.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(v.reasons()).extracting(Reason::kind).containsExactly(DetailKind.SCHEDULER_DIED);
        assertThat(v.reasons().get(0).message()).contains("code 1");
    }

    @Test
    void everyFailingSourceIsNamed() {
        AssertResult guestFail = new AssertResult(false, false,
                List.of(new AssertDetail(DetailKind.OTHER, "op 2 failed: cpuset write EBUSY")), ScenarioStats.empty());
        WorkerChecks.Result starved = WorkerChecks.evaluate(List.of(CgroupReports.of("cg0", List.of(
                WorkerChecksTest.worker(1, 0, 10, 10, Set.of(0))))), T);
        MonitorConclusion m = monitor(MonitorConclusion.State.FAILED, FindingKind.MONITOR, "monitor: imbalance ratio 9.0");
        Verdict v = VerdictMerger.merge(facts(true, guestFail, starved, m, 3, "SCHED_STARTED", ExitReason.REBOOT), T);
        assertThat(v.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(v.reasons()).extracting(Reason::kind).containsExactly(DetailKind.SCHEDULER_DIED,
                DetailKind.OTHER, DetailKind.STARVED, DetailKind.MONITOR);
    }

    @Test
    void monitorFailureIgnoredUnderEevdf() {
        MonitorConclusion m = monitor(MonitorConclusion.State.FAILED, FindingKind.MONITOR, "monitor: imbalance");
        assertThat(VerdictMerger.merge(facts(false, PASSED, healthyWorkers(), m, null, "S", ExitReason.REBOOT), T)
                .outcome()).isEqualTo(Outcome.PASS);
    }

    @Test
    void monitorNotInitialisedUnderSchedExtIsInconclusiveNotPass() {
        MonitorConclusion m = monitor(MonitorConclusion.State.NOT_INITIALIZED, FindingKind.NOT_INITIALIZED,
                "monitor not initialised: every rq_clock read was identical");
        Verdict v = VerdictMerger.merge(facts(true, PASSED, healthyWorkers(), m, null, "S", ExitReason.REBOOT), T);
        assertThat(v.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(v.reasons()).extracting(Reason::kind).containsExactly(DetailKind.NOT_INITIALIZED);
    }

    @Test
    void noWorkerReportsIsInconclusive() {
        Verdict v = VerdictMerger.merge(facts(false, PASSED, null, null, null, "S", ExitReason.REBOOT), T);
        assertThat(v.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    }

    @Test
    void noResultIsErrorWithTheRightReason() {
        Verdict neverInit = VerdictMerger.merge(facts(false, null, null, null, null, null, ExitReason.PANIC), T);
        assertThat(neverInit.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(neverInit.reasons().get(0).kind()).isEqualTo(DetailKind.INFRASTRUCTURE);
        assertThat(neverInit.reasons().get(0).message()).contains("never reached init").contains("PANIC");

        Verdict timeout = VerdictMerger.merge(facts(false, null, null, null, null, "SCHED_STARTED",
                ExitReason.WATCHDOG_TIMEOUT), T);
        assertThat(timeout.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(timeout.reasons().get(0).kind()).isEqualTo(DetailKind.TIMEOUT);

        Verdict infra = VerdictMerger.merge(RunFacts.infrastructure(false, "kernel: /x/bzImage does not exist"), T);
        assertThat(infra.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(infra.reasons().get(0).message()).contains("bzImage");
    }

    @Test
    void guestSkipIsSkipAndCleanupOverrunFails() {
        Verdict skip = VerdictMerger.merge(facts(false, AssertResult.skip("needs 2 NUMA nodes"), null, null, null,
                "S", ExitReason.REBOOT), T);
        assertThat(skip.outcome()).isEqualTo(Outcome.SKIP);
        assertThat(skip.reasons().get(0).message()).isEqualTo("needs 2 NUMA nodes");

        Thresholds budget = Thresholds.resolve(ThresholdMode.RELEASE).withCleanupBudgetMs(50L);
        Verdict slow = VerdictMerger.merge(facts(false, PASSED, healthyWorkers(), null, null, "S", ExitReason.REBOOT),
                budget);
        assertThat(slow.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(slow.reasons().get(0).message()).contains("cleanup took 100 ms").contains("50 ms");
    }

    @Test
    void schedExtWithoutMonitorPassesButSaysSo() {
        Verdict v = VerdictMerger.merge(facts(true, PASSED, healthyWorkers(), null, null, "S", ExitReason.REBOOT), T);
        assertThat(v.outcome()).isEqualTo(Outcome.PASS);
        assertThat(v.reasons()).extracting(Reason::message).anyMatch(m -> m.contains("monitor not available"));
    }
}
