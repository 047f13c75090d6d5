package io.ktstr4j.stats;

import java.util.List;

/**
 * A host-context field whose values differ between the sides (ktstr's host-delta section).
 *
 * @param field   the field, dotted for nested ones ({@code sched_tunables.sched_migration_cost_ns})
 * @param valuesA the values on side A ({@code -} for a host without it)
 * @param valuesB the values on side B
 */
public record HostDifference(String field, List<String> valuesA, List<String> valuesB) {
}
