package io.ktstr4j.stats.store;

/**
 * What one write did.
 *
 * @param stored     results new to the store
 * @param duplicates results it already had (same natural key), not stored again
 */
public record IngestResult(int stored, int duplicates) {
}
