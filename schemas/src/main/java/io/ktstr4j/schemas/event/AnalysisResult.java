package io.ktstr4j.schemas.event;

/**
 * What the regression consumer ({@code ktstr4j stats watch}) concludes about published results: the {@code analysis.*}
 * bodies. They travel as standalone events (no run: an analysis belongs to the results it judged, which may come from
 * many runs) on the {@code regressions} topic, keyed by {@link #variant()} so that one variant's conclusions stay in
 * one partition, in order.
 */
public sealed interface AnalysisResult extends EventBody permits MetricRegression, AnalysisSummary, FlakyOutcomes {

    /** The variant the conclusion is about, as the stats engine writes a pairing key; the record key. */
    String variant();
}
