package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.verdict.Outcome;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The regression consumer's conclusion on one published result ({@code analysis.summary}): exactly one per result,
 * after the result's {@link MetricRegression} events.
 *
 * @param variant         the variant (pairing key as the stats engine writes it; the record key)
 * @param resultId        the result: {@code <run_id>/<variant_key>@<timestamp>}, the results store's natural key
 * @param runId           the run that produced the result
 * @param variantKey      ktstr4j's variant key of the result (null for a result without one)
 * @param testName        the test
 * @param outcome         the result's outcome
 * @param status          compared, no baseline yet, or not judged (the result did not pass)
 * @param baseline        the baseline filter, as given
 * @param baselineTrials  the baseline results it was compared with (0 without a baseline)
 * @param baselineRuns    their run ids, oldest first
 * @param baselineCommits the baseline's commit cohorts, {@code project_commit} and {@code kernel_commit}
 * @param projectCommit   the result's project commit ({@code -} when unknown)
 * @param kernelCommit    the result's kernel commit ({@code -} when unknown)
 * @param metricsCompared the metrics both sides had
 * @param regressions     the metrics that regressed (one {@code analysis.regression} each)
 * @param improvements    the metrics that improved
 * @param noise           the metrics past the gates that Welch's t-test could not tell from noise
 * @param joinedBaseline  whether the result matched the baseline filter and joined its variant's baseline
 */
public record AnalysisSummary(String variant, String resultId, String runId, String variantKey, String testName,
                              Outcome outcome, AnalysisStatus status, String baseline, int baselineTrials,
                              List<String> baselineRuns, Map<String, String> baselineCommits, String projectCommit,
                              String kernelCommit, int metricsCompared, List<String> regressions,
                              List<String> improvements, List<String> noise, boolean joinedBaseline)
        implements AnalysisResult {
    public AnalysisSummary {
        Validate.nonBlank("variant", variant);
        Validate.nonBlank("result_id", resultId);
        Validate.nonBlank("run_id", runId);
        Validate.nonBlank("test_name", testName);
        Validate.required("outcome", outcome);
        Validate.required("status", status);
        Validate.nonBlank("baseline", baseline);
        Validate.nonNegative("baseline_trials", baselineTrials);
        baselineRuns = Validate.list("baseline_runs", baselineRuns);
        baselineCommits = baselineCommits == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new TreeMap<>(baselineCommits));
        Validate.nonBlank("project_commit", projectCommit);
        Validate.nonBlank("kernel_commit", kernelCommit);
        Validate.nonNegative("metrics_compared", metricsCompared);
        regressions = Validate.list("regressions", regressions);
        improvements = Validate.list("improvements", improvements);
        noise = Validate.list("noise", noise);
    }

    /** Builds a summary field by field (the consumer fills it as it goes). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link AnalysisSummary}; lists and maps default to empty, counts to 0. */
    public static final class Builder {
        private String variant;
        private String resultId;
        private String runId;
        private String variantKey;
        private String testName;
        private Outcome outcome;
        private AnalysisStatus status;
        private String baseline;
        private int baselineTrials;
        private List<String> baselineRuns = List.of();
        private Map<String, String> baselineCommits = Map.of();
        private String projectCommit;
        private String kernelCommit;
        private int metricsCompared;
        private List<String> regressions = List.of();
        private List<String> improvements = List.of();
        private List<String> noise = List.of();
        private boolean joinedBaseline;

        private Builder() {
        }

        public Builder result(String variant, String resultId, String runId, String variantKey, String testName,
                              Outcome outcome) {
            this.variant = variant;
            this.resultId = resultId;
            this.runId = runId;
            this.variantKey = variantKey;
            this.testName = testName;
            this.outcome = outcome;
            return this;
        }

        public Builder commits(String projectCommit, String kernelCommit) {
            this.projectCommit = projectCommit;
            this.kernelCommit = kernelCommit;
            return this;
        }

        public Builder status(AnalysisStatus status) {
            this.status = status;
            return this;
        }

        public Builder baseline(String baseline, List<String> runs, Map<String, String> commits) {
            this.baseline = baseline;
            this.baselineTrials = runs.size();
            this.baselineRuns = runs;
            this.baselineCommits = commits;
            return this;
        }

        public Builder findings(int metricsCompared, List<String> regressions, List<String> improvements,
                                List<String> noise) {
            this.metricsCompared = metricsCompared;
            this.regressions = regressions;
            this.improvements = improvements;
            this.noise = noise;
            return this;
        }

        public Builder joinedBaseline(boolean joinedBaseline) {
            this.joinedBaseline = joinedBaseline;
            return this;
        }

        public AnalysisSummary build() {
            return new AnalysisSummary(variant, resultId, runId, variantKey, testName, outcome, status, baseline,
                    baselineTrials, baselineRuns, baselineCommits, projectCommit, kernelCommit, metricsCompared,
                    regressions, improvements, noise, joinedBaseline);
        }
    }
}
