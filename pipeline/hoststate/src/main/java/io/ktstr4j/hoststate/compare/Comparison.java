package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.hoststate.DeltaRow;
import io.ktstr4j.schemas.hoststate.GroupCpu;
import java.util.List;
import java.util.Map;

/**
 * Two host-state captures compared ({@link CaptureComparison#compare}).
 *
 * @param options           how they were compared
 * @param baselineHost      the earlier capture's host name (null in a ktstr file)
 * @param candidateHost     the later capture's
 * @param baselineAtUnixNs  when the earlier capture was taken
 * @param candidateAtUnixNs when the later one was taken
 * @param rows              the counters and nice of every group in both captures, in {@link CompareOptions#sortBy()}
 *                          order
 * @param settings          policy and cpu_affinity of every group in both captures: changed first, then by group
 *                          and metric
 * @param onlyBaseline      groups only in the earlier capture (their threads exited), sorted
 * @param onlyCandidate     groups only in the later capture (new threads), sorted
 * @param cgroups           grouping by cgroup: every cgroup of either capture, sorted; empty otherwise
 * @param busiest           groups by CPU used between the captures, most first: a group in both captures by its
 *                          run_time_ns delta (0 when negative: threads that exited took their run time with them), a
 *                          group only in the later capture by its whole run time (its threads are new); groups with no
 *                          run time, or unread, left out; empty when the later capture is not later
 * @param baselineGroups    the earlier capture's groups, by key
 * @param candidateGroups   the later capture's groups, by key
 */
public record Comparison(CompareOptions options, String baselineHost, String candidateHost, long baselineAtUnixNs,
                         long candidateAtUnixNs, List<DeltaRow> rows, List<SettingRow> settings,
                         List<String> onlyBaseline, List<String> onlyCandidate, List<CgroupRow> cgroups,
                         List<GroupCpu> busiest, Map<String, GroupSummary> baselineGroups,
                         Map<String, GroupSummary> candidateGroups) {
    public Comparison {
        rows = List.copyOf(rows);
        settings = List.copyOf(settings);
        onlyBaseline = List.copyOf(onlyBaseline);
        onlyCandidate = List.copyOf(onlyCandidate);
        cgroups = List.copyOf(cgroups);
        busiest = List.copyOf(busiest);
    }

    /** The time between the captures (negative when the candidate was taken first). */
    public long intervalNs() {
        return candidateAtUnixNs - baselineAtUnixNs;
    }

    public GroupBy groupBy() {
        return options.groupBy();
    }
}
