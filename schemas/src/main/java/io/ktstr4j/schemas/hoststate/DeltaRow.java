package io.ktstr4j.schemas.hoststate;

import io.ktstr4j.schemas.Validate;

/**
 * One metric of one thread group compared between two captures (a row of {@code host-state compare}). A side whose
 * threads could not be read for the metric has no value (null), so a missing reading is never shown as a zero.
 *
 * @param group            the group's key (a pcomm, a comm or a cgroup path)
 * @param metric           the metric's JSON name (ktstr's ThreadState field)
 * @param unit             {@code ns}, {@code B} or empty
 * @param baseline         the earlier value, null when no thread of the group could be read for it
 * @param candidate        the later value, likewise
 * @param delta            {@code candidate - baseline}, null when either is null
 * @param percent          {@code 100 * delta / baseline}, null when the baseline is 0 or null
 * @param baselineThreads  threads in the group in the earlier capture
 * @param candidateThreads threads in the group in the later capture
 * @param unread           threads (both sides) whose reading of the metric was missing: the values are partial
 */
public record DeltaRow(String group, String metric, String unit, Double baseline, Double candidate, Double delta,
                       Double percent, int baselineThreads, int candidateThreads, int unread) {
    public DeltaRow {
        Validate.nonBlank("metric", metric);
        group = group == null ? "" : group;
        unit = unit == null ? "" : unit;
        Validate.nonNegative("unread", unread);
    }
}
