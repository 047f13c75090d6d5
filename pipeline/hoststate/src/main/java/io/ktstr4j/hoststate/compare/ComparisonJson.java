package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.hoststate.DeltaRow;
import io.ktstr4j.schemas.hoststate.GroupCpu;
import io.ktstr4j.schemas.json.Json;
import java.util.List;

/**
 * A comparison as {@code host-state compare --json} writes it (snake_case): every row, nothing left off. nice's
 * baseline and candidate are the midpoints of its ranges, as compared; the text form shows the ranges.
 *
 * @param groupBy           {@code pcomm}, {@code cgroup} or {@code comm}
 * @param cgroupFlatten     the flatten globs (grouping by cgroup)
 * @param sortBy            {@code delta} or {@code percent}: the order of {@code rows}
 * @param baselineHost      the earlier capture's host name, null when it has none (a ktstr file)
 * @param candidateHost     the later capture's
 * @param baselineAtUnixNs  when the earlier capture was taken
 * @param candidateAtUnixNs when the later one was taken
 * @param intervalNs        the time between them
 * @param rows              the counters and nice of every group in both captures
 * @param settings          policy and cpu_affinity of every group in both captures
 * @param busiest           groups by CPU used between the captures, most first
 * @param cgroups           grouping by cgroup: every cgroup of either capture
 * @param onlyBaseline      groups only in the earlier capture
 * @param onlyCandidate     groups only in the later capture
 */
public record ComparisonJson(String groupBy, List<String> cgroupFlatten, String sortBy, String baselineHost,
                             String candidateHost, long baselineAtUnixNs, long candidateAtUnixNs, long intervalNs,
                             List<DeltaRow> rows, List<SettingRow> settings, List<GroupCpu> busiest,
                             List<CgroupRow> cgroups, List<String> onlyBaseline, List<String> onlyCandidate) {

    public static ComparisonJson of(Comparison c) {
        CompareOptions o = c.options();
        return new ComparisonJson(o.groupBy().label(), o.cgroupFlatten().texts(), o.sortBy().label(),
                c.baselineHost(), c.candidateHost(), c.baselineAtUnixNs(), c.candidateAtUnixNs(), c.intervalNs(),
                c.rows(), c.settings(), c.busiest(), c.cgroups(), c.onlyBaseline(), c.onlyCandidate());
    }

    /** The JSON text. */
    public String write() {
        return Json.write(this);
    }
}
