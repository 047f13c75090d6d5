package io.ktstr4j.stats;

import io.ktstr4j.schemas.verdict.Outcome;

/**
 * A trial left out of the means because it did not pass (a failure's numbers describe the failure, a skip has none).
 *
 * @param side    {@code A} or {@code B}
 * @param runId   its run
 * @param outcome how it ended
 */
public record ExcludedTrial(String side, String runId, Outcome outcome) {
}
