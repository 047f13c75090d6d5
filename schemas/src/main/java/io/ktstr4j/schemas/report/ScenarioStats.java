package io.ktstr4j.schemas.report;

import io.ktstr4j.schemas.Validate;
import java.util.List;
import java.util.Map;

/** Scenario-wide aggregate: worst-of / sums over cgroups (ktstr {@code ScenarioStats}). */
public record ScenarioStats(
        List<CgroupStats> cgroups,
        int totalWorkers,
        int totalCpus,
        long totalMigrations,
        double worstSpread,
        long worstGapMs,
        int worstGapCpu,
        double worstMigrationRatio,
        double worstP99WakeLatencyUs,
        double worstMedianWakeLatencyUs,
        double worstWakeLatencyCv,
        long totalIterations,
        double worstMeanRunDelayUs,
        double worstRunDelayUs,
        double worstPageLocality,
        double worstCrossNodeMigrationRatio,
        double worstWakeLatencyTailRatio,
        double worstIterationsPerWorker,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        Map<String, Double> extMetrics) {

    public ScenarioStats {
        cgroups = Validate.list("cgroups", cgroups);
        extMetrics = Validate.map(extMetrics == null ? null : new java.util.TreeMap<>(extMetrics));
    }

    /** All zeros: what a skipped or empty scenario reports. */
    public static ScenarioStats empty() {
        return new ScenarioStats(List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
    }
}
