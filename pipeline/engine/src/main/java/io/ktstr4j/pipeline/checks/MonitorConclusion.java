package io.ktstr4j.pipeline.checks;

import io.ktstr4j.schemas.monitor.MonitorSummary;
import java.util.List;

/**
 * What the monitor checks concluded over a whole run.
 *
 * @param state    PASSED, FAILED (a sustained violation), NOT_INITIALIZED (the data cannot be trusted: all rq clocks
 *                 identical or a DSQ depth past the plausibility ceiling), NO_SAMPLES (the monitor saw nothing)
 * @param findings one per sustained violation (FAILED) or the reason the data was not trusted
 * @param summary  ktstr's monitor summary (null when there were no samples)
 */
public record MonitorConclusion(State state, List<Finding> findings, MonitorSummary summary) {

    public enum State { PASSED, FAILED, NOT_INITIALIZED, NO_SAMPLES }

    public MonitorConclusion {
        findings = List.copyOf(findings);
    }
}
