package io.ktstr4j.pipeline.checks;

import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.report.AssertDetail;
import io.ktstr4j.schemas.report.AssertResult;
import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges everything known about a run into one verdict, naming every reason. Where ktstr would pass or fail for the
 * wrong reason this says so: a harness failure or a run with no result is ERROR (not FAIL), a monitor that never
 * initialised or a threshold with no data is INCONCLUSIVE (not a vacuous PASS).
 *
 * <p>Order: infrastructure error → ERROR; scheduler died → FAIL (SchedulerDied, plus anything else that failed);
 * no guest result → ERROR (never reached init / timeout / crash / exit without result); guest SKIP → SKIP;
 * any failing finding (guest details, worker checks, monitor, kernel panic, cleanup budget) → FAIL; missing
 * evidence → INCONCLUSIVE; else PASS.
 */
public final class VerdictMerger {

    private VerdictMerger() {
    }

    public static Verdict merge(RunFacts f, Thresholds t) {
        Verdict v = mergeFacts(f, t);
        if (f.guestProtocolProblem() == null) {
            return v;
        }
        // named whatever the outcome: a corrupt or foreign guest line is worth seeing even when the run passed
        List<Reason> rs = new ArrayList<>(v.reasons());
        rs.add(new Reason(DetailKind.OTHER, "guest protocol: " + f.guestProtocolProblem()));
        return new Verdict(v.outcome(), rs, v.thresholds());
    }

    private static Verdict mergeFacts(RunFacts f, Thresholds t) {
        AssertThresholds rt = t == null ? null : t.values();
        if (f.infrastructureError() != null) {
            return new Verdict(Outcome.ERROR, List.of(new Reason(DetailKind.INFRASTRUCTURE, f.infrastructureError())), rt);
        }
        List<Reason> fails = new ArrayList<>();
        if (f.schedExitCode() != null) {
            fails.add(new Reason(DetailKind.SCHEDULER_DIED, "scheduler exited with code " + f.schedExitCode()
                    + (f.scenarioStarted() ? " during the scenario" : " before the scenario started")));
        }
        boolean panicked = f.vmExitReason() == ExitReason.PANIC;
        AssertResult g = f.guestResult();
        if (g == null && fails.isEmpty()) {
            return new Verdict(Outcome.ERROR, List.of(noResultReason(f)), rt);
        }
        if (g != null && g.skipped() && fails.isEmpty()) {
            List<Reason> r = new ArrayList<>();
            for (AssertDetail d : g.details()) {
                r.add(new Reason(d.kind(), d.message()));
            }
            if (r.isEmpty()) {
                r.add(new Reason(DetailKind.SKIP, "the guest skipped the test"));
            }
            return new Verdict(Outcome.SKIP, r, rt);
        }
        if (g != null && !g.passed()) {
            for (AssertDetail d : g.details()) {
                fails.add(new Reason(d.kind(), d.message()));
            }
            if (g.details().isEmpty()) {
                fails.add(new Reason(DetailKind.OTHER, "the guest reported failure without details"));
            }
        }
        if (panicked && g != null) {
            fails.add(new Reason(DetailKind.OTHER, "kernel panic after the test result"
                    + detailSuffix(f.vmExitDetail())));
        }
        if (f.workers() != null) {
            for (Finding x : f.workers().findings()) {
                fails.add(reason(x));
            }
        }
        MonitorConclusion m = f.schedExt() ? f.monitor() : null;
        if (m != null && m.state() == MonitorConclusion.State.FAILED) {
            for (Finding x : m.findings()) {
                fails.add(reason(x));
            }
        }
        if (t != null && t.cleanupBudgetMs() != null && f.cleanupMs() != null && f.cleanupMs() > t.cleanupBudgetMs()) {
            fails.add(new Reason(DetailKind.OTHER, "cleanup took " + f.cleanupMs() + " ms, over the budget of "
                    + t.cleanupBudgetMs() + " ms"));
        }
        if (!fails.isEmpty()) {
            return new Verdict(Outcome.FAIL, dedupe(fails), rt);
        }

        List<Reason> unsure = new ArrayList<>();
        if (f.workers() == null) {
            unsure.add(new Reason(DetailKind.NOT_INITIALIZED,
                    "no worker reports arrived: starvation, fairness and gap checks could not run"));
        } else {
            for (Finding x : f.workers().unjudged()) {
                unsure.add(new Reason(DetailKind.NOT_INITIALIZED, x.message()));
            }
        }
        List<Reason> notes = new ArrayList<>();
        if (f.schedExt()) {
            String why = f.monitorProblem();
            if (m == null) {
                notes.add(new Reason(DetailKind.MONITOR, "monitor not available, sched_ext monitor checks did not run"
                        + (why == null ? "" : ": " + why)));
            } else if (m.state() == MonitorConclusion.State.NOT_INITIALIZED || m.state() == MonitorConclusion.State.NO_SAMPLES) {
                for (Finding x : m.findings()) {
                    unsure.add(new Reason(DetailKind.NOT_INITIALIZED, x.message()
                            + (m.state() == MonitorConclusion.State.NO_SAMPLES && why != null ? "; " + why : "")));
                }
            }
        }
        if (!unsure.isEmpty()) {
            unsure.addAll(notes);
            return new Verdict(Outcome.INCONCLUSIVE, unsure, rt);
        }
        return new Verdict(Outcome.PASS, notes, rt);
    }

    private static Reason noResultReason(RunFacts f) {
        String exit = f.vmExitReason() == null ? "" : " (VM exit: " + f.vmExitReason()
                + (f.guestExitCode() == null ? "" : ", code " + f.guestExitCode()) + detailSuffix(f.vmExitDetail()) + ")";
        if (f.lastInitStage() == null) {
            return new Reason(DetailKind.INFRASTRUCTURE, "the guest never reached init" + exit);
        }
        if (f.vmExitReason() == ExitReason.WATCHDOG_TIMEOUT) {
            return new Reason(DetailKind.TIMEOUT, "no test result before the VM watchdog fired; last init stage "
                    + f.lastInitStage() + exit);
        }
        if (f.guestCrash() != null) {
            return new Reason(DetailKind.INFRASTRUCTURE, "the guest agent crashed before a result: "
                    + firstLine(f.guestCrash()) + exit);
        }
        if (f.vmExitReason() == ExitReason.PANIC) {
            return new Reason(DetailKind.INFRASTRUCTURE, "kernel panic before a test result; last init stage "
                    + f.lastInitStage() + exit);
        }
        if (f.vmExitReason() == ExitReason.CANCELLED) {
            return new Reason(DetailKind.INFRASTRUCTURE, "run cancelled before a test result" + exit);
        }
        return new Reason(DetailKind.INFRASTRUCTURE, "the guest ended without a test result; last init stage "
                + f.lastInitStage() + exit);
    }

    private static String detailSuffix(String d) {
        return d == null || d.isBlank() ? "" : ": " + firstLine(d);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static List<Reason> dedupe(List<Reason> rs) {
        return rs.stream().distinct().toList();
    }

    public static Reason reason(Finding f) {
        return new Reason(DetailKind.valueOf(f.kind().name()), f.message());
    }
}
