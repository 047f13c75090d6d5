package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;

/**
 * One metric of one published result that regressed against its baseline ({@code analysis.regression}): the delta
 * passed the metric's absolute and relative gates in the worse direction (and Welch's t-test where both sides have
 * enough trials). One event per regressed metric; the result's {@link AnalysisSummary} names them all.
 *
 * @param variant        the variant (pairing key as the stats engine writes it; the record key)
 * @param resultId       the result: {@code <run_id>/<variant_key>@<timestamp>}, the results store's natural key
 * @param runId          the run that produced the result
 * @param variantKey     ktstr4j's variant key of the result (null for a result without one)
 * @param testName       the test
 * @param metric         the metric's registry name (or a payload metric's name)
 * @param unit           its display unit (may be empty)
 * @param baseline       the baseline filter, as given ({@code --baseline run_source=ci})
 * @param baselineTrials how many baseline results the mean is over
 * @param baselineMean   the baseline's mean
 * @param baselineSd     the baseline's sample standard deviation (null for one baseline result)
 * @param value          the result's value
 * @param delta          {@code value - baselineMean}
 * @param relDelta       {@code |delta| / |baselineMean|} (null when the baseline mean is 0)
 * @param absGate        the metric's absolute gate
 * @param relGate        the relative gate applied (a fraction)
 */
public record MetricRegression(String variant, String resultId, String runId, String variantKey, String testName,
                               String metric, String unit, String baseline, int baselineTrials, double baselineMean,
                               Double baselineSd, double value, double delta, Double relDelta, double absGate,
                               double relGate) implements AnalysisResult {
    public MetricRegression {
        Validate.nonBlank("variant", variant);
        Validate.nonBlank("result_id", resultId);
        Validate.nonBlank("run_id", runId);
        Validate.nonBlank("test_name", testName);
        Validate.nonBlank("metric", metric);
        unit = unit == null ? "" : unit;
        Validate.nonBlank("baseline", baseline);
        Validate.atLeast("baseline_trials", baselineTrials, 1);
        Validate.nonNegative("abs_gate", absGate);
        Validate.nonNegative("rel_gate", relGate);
    }
}
