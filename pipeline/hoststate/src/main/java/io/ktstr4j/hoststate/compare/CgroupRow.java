package io.ktstr4j.hoststate.compare;

/**
 * One cgroup's cpu.stat and memory.current in both captures (grouping by cgroup only). Paths flattened to one key are
 * merged: the cpu counters summed, memory_current the largest.
 *
 * @param cgroup      the path, or the flatten glob it matched
 * @param inBaseline  the earlier capture has the cgroup
 * @param inCandidate the later capture has it
 */
public record CgroupRow(String cgroup, boolean inBaseline, boolean inCandidate, Reading cpuUsageUsec,
                        Reading nrThrottled, Reading throttledUsec, Reading memoryCurrent) {

    /**
     * One field in both captures.
     *
     * @param baseline         the earlier value; null when the cgroup is not in that capture or no entry of it could
     *                         be read for the field
     * @param candidate        the later value, likewise
     * @param delta            {@code candidate - baseline}, null when either is null
     * @param baselineUnread   entries merged into the earlier value whose field was missing (partial when a value)
     * @param candidateUnread  likewise for the later value
     */
    public record Reading(Long baseline, Long candidate, Long delta, int baselineUnread, int candidateUnread) {
    }
}
