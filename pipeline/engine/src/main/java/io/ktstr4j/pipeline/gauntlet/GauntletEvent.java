package io.ktstr4j.pipeline.gauntlet;

import io.ktstr4j.pipeline.RunSummary;

/** What the gauntlet tells its caller as it goes: an execution started, finished, was cancelled or never started. */
public sealed interface GauntletEvent {

    /** The execution concerned. */
    Execution execution();

    /**
     * A VM started (or a skipped variant was reported without one).
     *
     * @param runningVms the VMs running now, this one included
     * @param usedVcpus  their vCPUs
     */
    record Started(Execution execution, int runningVms, int usedVcpus) implements GauntletEvent {
    }

    /**
     * An execution ended with a verdict.
     *
     * @param summary         its verdict, result and timings
     * @param concurrentVcpus the most vCPUs running at once while it ran, its own included
     * @param retry           the next attempt, queued because this one failed for infrastructure (null: final)
     */
    record Finished(Execution execution, RunSummary summary, int concurrentVcpus, Execution retry)
            implements GauntletEvent {
    }

    /** It was running when the gauntlet was cancelled: its VM was stopped, it has no verdict. */
    record Cancelled(Execution execution, String reason, long elapsedMs) implements GauntletEvent {
    }

    /** It never started: the gauntlet was cancelled first, or its baseline has no result. */
    record NotStarted(Execution execution, String reason) implements GauntletEvent {
    }
}
