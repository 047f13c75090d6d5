package io.ktstr4j.pipeline.checks;

import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.report.AssertResult;

/**
 * Everything the verdict merge needs to know about one finished run. Null means "did not happen / not available".
 *
 * @param schedExt            a sched_ext scheduler was under test (monitor checks apply)
 * @param guestResult         the guest's TEST_RESULT
 * @param workers             host-side worker checks over the WREP reports (null when none arrived)
 * @param monitor             the monitor verdict (null when the monitor did not run)
 * @param schedExitCode       the guest saw the scheduler process exit (SCHED_EXIT) with this code
 * @param lastInitStage       the last init stage the guest reported (null: never reached init)
 * @param scenarioStarted     SCENARIO_START arrived
 * @param guestCrash          CRASH message from the guest agent
 * @param vmExitReason        how the VM ended (null if it never ended, e.g. cancelled before exit)
 * @param guestExitCode       EXIT code from the guest (or the VM's exit code)
 * @param vmExitDetail        the backend's detail text
 * @param cleanupMs           time from the guest's result to the VM being gone
 * @param infrastructureError the harness failed (bad config, backend could not start, stream error)
 * @param monitorProblem      why the monitor was unavailable or gave no data (null when it ran normally)
 * @param guestProtocolProblem a guest line that broke the guest contract (a malformed {@code KTSTR_EXIT}), named in
 *                            the verdict; null when none
 */
public record RunFacts(
        boolean schedExt,
        AssertResult guestResult,
        WorkerChecks.Result workers,
        MonitorConclusion monitor,
        Integer schedExitCode,
        String lastInitStage,
        boolean scenarioStarted,
        String guestCrash,
        ExitReason vmExitReason,
        Integer guestExitCode,
        String vmExitDetail,
        Long cleanupMs,
        String infrastructureError,
        String monitorProblem,
        String guestProtocolProblem) {

    /** Facts of a run whose guest kept to the protocol. */
    public RunFacts(boolean schedExt, AssertResult guestResult, WorkerChecks.Result workers, MonitorConclusion monitor,
                    Integer schedExitCode, String lastInitStage, boolean scenarioStarted, String guestCrash,
                    ExitReason vmExitReason, Integer guestExitCode, String vmExitDetail, Long cleanupMs,
                    String infrastructureError, String monitorProblem) {
        this(schedExt, guestResult, workers, monitor, schedExitCode, lastInitStage, scenarioStarted, guestCrash,
                vmExitReason, guestExitCode, vmExitDetail, cleanupMs, infrastructureError, monitorProblem, null);
    }

    /** Facts of a run whose monitor had nothing to say about itself. */
    public RunFacts(boolean schedExt, AssertResult guestResult, WorkerChecks.Result workers, MonitorConclusion monitor,
                    Integer schedExitCode, String lastInitStage, boolean scenarioStarted, String guestCrash,
                    ExitReason vmExitReason, Integer guestExitCode, String vmExitDetail, Long cleanupMs,
                    String infrastructureError) {
        this(schedExt, guestResult, workers, monitor, schedExitCode, lastInitStage, scenarioStarted, guestCrash,
                vmExitReason, guestExitCode, vmExitDetail, cleanupMs, infrastructureError, null);
    }

    /** Facts of a run that failed before the VM could start. */
    public static RunFacts infrastructure(boolean schedExt, String error) {
        return new RunFacts(schedExt, null, null, null, null, null, false, null, null, null, null, null, error);
    }
}
