package io.ktstr4j.stats;

import java.util.List;
import java.util.Map;

/**
 * One run in {@code stats list}.
 *
 * @param runId          the run
 * @param date           its first timestamp, ISO 8601
 * @param hosts          its hosts' labels
 * @param kernels        its kernels
 * @param projectCommits its project commit cohort ({@code +mixed} marked)
 * @param kernelCommits  its kernel commit cohort
 * @param variants       distinct variants
 * @param outcomes       trials per outcome
 */
public record RunRow(String runId, String date, List<String> hosts, List<String> kernels, String projectCommits,
                     String kernelCommits, int variants, Map<String, Integer> outcomes) {
}
