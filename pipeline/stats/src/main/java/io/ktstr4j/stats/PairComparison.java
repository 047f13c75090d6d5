package io.ktstr4j.stats;

import java.util.List;
import java.util.Map;

/**
 * One paired variant: the trials of A and B that share a pairing key, and every metric compared.
 *
 * @param key          the pairing key written out: test name, then each pairing dimension's value
 * @param testName     the test
 * @param pairing      each pairing dimension's value
 * @param trialsA      A's trials of this key (passing or not)
 * @param trialsB      B's trials of this key
 * @param commitsA     A's commit cohorts, {@code project_commit} and {@code kernel_commit} ({@code +mixed} marked)
 * @param commitsB     B's commit cohorts
 * @param metrics      every metric either side has, registry first
 * @param excluded     the trials left out of the means
 * @param onlyOneSide  metrics present on one side only (coverage, never judged): name to the side that has it
 */
public record PairComparison(String key, String testName, Map<String, String> pairing, int trialsA, int trialsB,
                             Map<String, String> commitsA, Map<String, String> commitsB,
                             List<MetricComparison> metrics, List<ExcludedTrial> excluded,
                             Map<String, String> onlyOneSide) {

    /** The metrics this pair regressed on. */
    public List<MetricComparison> regressions() {
        return metrics.stream().filter(m -> m.finding() == Finding.REGRESSION).toList();
    }

    /**
     * Side A passed at least once and every trial of side B was left out (failed, skipped, errored): the worst
     * regression there is, whatever the metrics say (there are none on B to say it).
     */
    public boolean lostEveryPass() {
        long excludedA = excluded.stream().filter(x -> x.side().equals("A")).count();
        long excludedB = excluded.stream().filter(x -> x.side().equals("B")).count();
        return trialsA > excludedA && trialsB > 0 && excludedB == trialsB;
    }
}
