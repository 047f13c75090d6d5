package io.ktstr4j.cli;

import io.ktstr4j.pipeline.RunSummary;
import io.ktstr4j.pipeline.gauntlet.GauntletEvent;
import io.ktstr4j.schemas.verdict.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * What a gauntlet's runs came to, counted once per execution from its events: the results with a verdict (a retried
 * attempt is not one), the runs stopped without one, the runs never started. run.finished, JUnit and the exit code
 * read it.
 */
final class RunTally {

    final List<RunSummary> finished = new ArrayList<>();
    final List<String> cancelled = new ArrayList<>();
    final List<String> notRun = new ArrayList<>();

    void count(GauntletEvent ge) {
        if (ge instanceof GauntletEvent.Finished f && f.retry() == null) {
            finished.add(f.summary());
        } else if (ge instanceof GauntletEvent.Cancelled c) {
            cancelled.add(c.execution().streamKey());
        } else if (ge instanceof GauntletEvent.NotStarted n) {
            notRun.add(n.execution().streamKey());
        }
    }

    List<Outcome> outcomes() {
        return finished.stream().map(s -> s.verdict().outcome()).toList();
    }

    /** The exit code: the verdicts', and a run without a verdict is not a pass. */
    int exitCode() {
        List<Outcome> all = new ArrayList<>(outcomes());
        if (!cancelled.isEmpty() || !notRun.isEmpty()) {
            all.add(Outcome.ERROR);
        }
        return ExitCodes.of(all);
    }
}
