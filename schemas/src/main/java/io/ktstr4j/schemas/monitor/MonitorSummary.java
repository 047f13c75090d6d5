package io.ktstr4j.schemas.monitor;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import java.util.List;

/** What the monitor saw over a whole run (ktstr {@code MonitorSummary}, part of the sidecar). */
public record MonitorSummary(
        long totalSamples,
        double maxImbalanceRatio,
        long maxLocalDsqDepth,
        boolean stallDetected,
        double avgImbalanceRatio,
        double avgNrRunning,
        double avgLocalDsqDepth,
        @JsonInclude(JsonInclude.Include.NON_NULL) ScxEventDeltas eventDeltas,
        @JsonInclude(JsonInclude.Include.NON_NULL) SchedstatDeltas schedstatDeltas,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<ProgStatsDelta> progStatsDeltas) {

    public MonitorSummary {
        progStatsDeltas = Validate.optionalList("prog_stats_deltas", progStatsDeltas);
    }
}
