package io.ktstr4j.stats;

/**
 * One run's value of a metric in {@code stats history}.
 *
 * @param runId         the run
 * @param date          the run's first timestamp, ISO 8601
 * @param projectCommit the run's project commit cohort ({@code +mixed} marked)
 * @param kernel        the run's kernels
 * @param value         the mean over the run's passing trials that have the metric
 * @param n             those trials
 * @param sd            their standard deviation, null for one
 * @param notPassed     the run's trials of the selection that did not pass (not in the mean)
 */
public record HistoryPoint(String runId, String date, String projectCommit, String kernel, double value, int n,
                           Double sd, int notPassed) {
}
