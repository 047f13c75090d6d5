package io.ktstr4j.regressions;

import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.stats.Trials;

/**
 * The ids of the watch's standalone events: unique, and the same whenever a result is analysed again (a reset
 * application, a second watch), so consumers drop repeats by event id. {@code <resultId>} is the results store's
 * natural key of the result.
 */
public final class AnalysisIds {

    private AnalysisIds() {
    }

    /** {@code <run_id>/<variant_key>@<timestamp>}. */
    public static String resultId(SidecarResult r) {
        return Trials.naturalKey(r);
    }

    public static String summary(String resultId) {
        return "analysis.summary/" + resultId;
    }

    public static String regression(String resultId, String metric) {
        return "analysis.regression/" + resultId + "/" + metric;
    }

    public static String flaky(String resultId) {
        return "analysis.flaky/" + resultId;
    }
}
