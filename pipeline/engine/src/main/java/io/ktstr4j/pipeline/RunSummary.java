package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.verdict.Verdict;

/** What the caller of a variant run gets at the end besides the event stream: verdict, sidecar, timings. */
public record RunSummary(String runId, Variant variant, Verdict verdict, SidecarResult sidecar, RunTimings timings,
                         long droppedEvents, Throwable infrastructureCause) {

    /** The key of this run's events and result: the variant's, or a later trial's or a retry's ({@code #t2}, {@code #r1}). */
    public String streamKey() {
        return sidecar != null && sidecar.variantKey() != null ? sidecar.variantKey() : variant.key();
    }
}
