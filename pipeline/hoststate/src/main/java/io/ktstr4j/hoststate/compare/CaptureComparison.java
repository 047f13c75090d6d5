package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.DeltaRow;
import io.ktstr4j.schemas.hoststate.GroupCpu;
import io.ktstr4j.schemas.hoststate.ThreadState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The comparison of two host-state captures (ktstr 0.4.9's {@code host-state compare}): threads grouped in each, the
 * groups of both joined on their key, every metric of a joined group compared. Where it differs from ktstr: a missing
 * reading is left out of a group's value (and a group whose every thread misses it has no value, not 0);
 * cpu_affinity compares as text like policy, not by its CPU count; rows sort by absolute delta unless
 * {@link SortBy#PERCENT}; an invalid flatten glob is refused.
 */
public final class CaptureComparison {
    private CaptureComparison() {}

    private static final Comparator<SettingRow> SETTING_ORDER = Comparator
            .comparingInt((SettingRow s) -> s.same() == null ? 1 : s.same() ? 2 : 0)
            .thenComparing(SettingRow::group)
            .thenComparing(s -> HostMetric.of(s.metric()));

    public static Comparison compare(HostStateSnapshot baseline, HostStateSnapshot candidate, CompareOptions o) {
        CgroupFlatten flatten = o.groupBy() == GroupBy.CGROUP ? o.cgroupFlatten() : CgroupFlatten.NONE;
        Map<String, GroupSummary> a = GroupSummary.group(baseline.threads(), o.groupBy(), flatten);
        Map<String, GroupSummary> b = GroupSummary.group(candidate.threads(), o.groupBy(), flatten);

        List<DeltaRow> rows = new ArrayList<>();
        List<SettingRow> settings = new ArrayList<>();
        List<String> onlyBaseline = new ArrayList<>();
        for (GroupSummary ga : a.values()) {
            GroupSummary gb = b.get(ga.key());
            if (gb == null) {
                onlyBaseline.add(ga.key());
                continue;
            }
            for (HostMetric m : HostMetric.values()) {
                if (m.aggregation().numeric()) {
                    rows.add(deltaRow(m, ga, gb));
                } else {
                    settings.add(settingRow(m, ga, gb));
                }
            }
        }
        List<String> onlyCandidate = b.keySet().stream().filter(k -> !a.containsKey(k)).toList();
        rows.sort(o.sortBy().order());
        settings.sort(SETTING_ORDER);

        List<CgroupRow> cgroups = o.groupBy() == GroupBy.CGROUP
                ? CgroupTable.rows(baseline.cgroupStats(), candidate.cgroupStats(), flatten)
                : List.of();
        long intervalNs = candidate.capturedAtUnixNs() - baseline.capturedAtUnixNs();
        return new Comparison(o, baseline.hostname(), candidate.hostname(), baseline.capturedAtUnixNs(),
                candidate.capturedAtUnixNs(), rows, settings, onlyBaseline, onlyCandidate, cgroups,
                busiest(baseline, candidate, o.groupBy(), flatten, intervalNs), a, b);
    }

    private static DeltaRow deltaRow(HostMetric m, GroupSummary ga, GroupSummary gb) {
        MetricSummary sa = ga.metric(m);
        MetricSummary sb = gb.metric(m);
        Double base = sa.value() == null ? null : sa.value().numeric();
        Double cand = sb.value() == null ? null : sb.value().numeric();
        Double delta = base == null || cand == null ? null : cand - base;
        Double percent = delta == null || base == 0 ? null : 100 * delta / base;
        return new DeltaRow(ga.key(), m.jsonName(), m.unit(), base, cand, delta, percent, ga.threads(), gb.threads(),
                sa.unread() + sb.unread());
    }

    private static SettingRow settingRow(HostMetric m, GroupSummary ga, GroupSummary gb) {
        Aggregate va = ga.metric(m).value();
        Aggregate vb = gb.metric(m).value();
        Boolean same = null;
        if (va != null && vb != null) {
            // policy compares its most common value only, as ktstr's same/differs; affinity the whole summary.
            same = va instanceof Aggregate.Mode ma && vb instanceof Aggregate.Mode mb
                    ? ma.value().equals(mb.value())
                    : va.equals(vb);
        }
        return new SettingRow(ga.key(), m.jsonName(), va == null ? null : va.text(), vb == null ? null : vb.text(),
                same, ga.threads(), gb.threads(), ga.metric(m).unread() + gb.metric(m).unread());
    }

    /**
     * Each group's CPU between the captures, from its threads' own run time deltas: a thread is matched by tid and
     * start time (a reused tid is another thread), a new thread counts its whole run time, an exited one nothing. So a
     * group where one thread exits while another burns still shows the burner (a group's summed delta would hide it).
     * A thread whose run time is missing on either side is left out.
     */
    private static List<GroupCpu> busiest(HostStateSnapshot baseline, HostStateSnapshot candidate, GroupBy groupBy,
                                          CgroupFlatten flatten, long intervalNs) {
        if (intervalNs <= 0) {
            return List.of();
        }
        String runTime = HostMetric.RUN_TIME_NS.jsonName();
        Map<List<Long>, ThreadState> before = new HashMap<>();
        for (ThreadState t : baseline.threads()) {
            before.put(List.of(t.tid(), t.startTimeClockTicks()), t);
        }
        Map<String, Long> ran = new TreeMap<>();
        for (ThreadState t : candidate.threads()) {
            ThreadState was = before.get(List.of(t.tid(), t.startTimeClockTicks()));
            if (t.isMissing(runTime) || (was != null && was.isMissing(runTime))) {
                continue;
            }
            long d = was == null ? t.runTimeNs() : Math.max(0, t.runTimeNs() - was.runTimeNs());
            ran.merge(groupBy.key(t, flatten), d, Saturating::add);
        }
        List<GroupCpu> out = new ArrayList<>();
        ran.forEach((group, ns) -> {
            if (ns > 0) {
                out.add(new GroupCpu(group, (double) ns / intervalNs, ns));
            }
        });
        out.sort(Comparator.comparingDouble(GroupCpu::cpu).reversed().thenComparing(GroupCpu::group));
        return out;
    }

}
