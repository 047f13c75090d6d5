package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.Validate;

/**
 * A thread setting of one group compared between two captures as text, not as a number: {@code policy} (its most
 * common value) and {@code cpu_affinity} (how many CPUs, and which).
 *
 * @param group            the group's key
 * @param metric           {@code policy} or {@code cpu_affinity}
 * @param baseline         the earlier value as text ({@code SCHED_OTHER (3/4)}, {@code 4 cpus (0-3)}), null when no
 *                         thread of the group could be read for it
 * @param candidate        the later value, likewise
 * @param same             whether the setting is unchanged (policy: the most common value); null when a side is null
 * @param baselineThreads  threads in the group in the earlier capture
 * @param candidateThreads threads in the group in the later capture
 * @param unread           threads (both sides) whose reading of the setting was missing
 */
public record SettingRow(String group, String metric, String baseline, String candidate, Boolean same,
                         int baselineThreads, int candidateThreads, int unread) {
    public SettingRow {
        Validate.nonBlank("metric", metric);
        group = group == null ? "" : group;
        Validate.nonNegative("unread", unread);
    }
}
