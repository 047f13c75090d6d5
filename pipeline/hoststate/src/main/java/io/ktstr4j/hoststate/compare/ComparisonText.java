package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.hoststate.DeltaRow;
import io.ktstr4j.schemas.hoststate.GroupCpu;
import io.ktstr4j.stats.TextTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A comparison as people read it, in ktstr's columns: {@code <group-by> threads metric baseline candidate delta %}.
 * The counters first (in the comparison's order), then policy and cpu_affinity (changed first). A value no thread
 * could be read for shows {@code missing}; a value some threads could not be read for is marked {@code *} and
 * footnoted. Then the busiest groups, the cgroup table (grouping by cgroup) and the unmatched groups.
 */
public final class ComparisonText {
    private ComparisonText() {}

    /** No row limit. */
    public static final int ALL = Integer.MAX_VALUE;
    /** How many of the busiest groups are listed. */
    static final int BUSIEST_SHOWN = 5;
    private static final String PARTIAL = "*";

    /**
     * The text of a comparison.
     *
     * @param baselineLabel  names the earlier capture in the unmatched-groups lines (a file, a Kafka reference)
     * @param candidateLabel names the later one
     * @param limit          the metric rows shown ({@link #ALL} for every one); the rest counted in a last line
     */
    public static String render(Comparison c, String baselineLabel, String candidateLabel, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit " + limit + ": expected at least 1 row");
        }
        StringBuilder out = new StringBuilder();
        rowsTable(out, c, limit);
        busiest(out, c);
        if (c.groupBy() == GroupBy.CGROUP && !c.cgroups().isEmpty()) {
            cgroupTable(out, c);
        }
        unmatched(out, c.onlyBaseline(), "baseline", baselineLabel);
        unmatched(out, c.onlyCandidate(), "candidate", candidateLabel);
        return out.toString();
    }

    private static void rowsTable(StringBuilder out, Comparison c, int limit) {
        TextTable table = new TextTable(c.groupBy().label(), "threads", "metric", "baseline", "candidate", "delta", "%")
                .right(1, 3, 4, 5, 6);
        // Footnotes by group, in table order: "sshd: 1 of 4 threads unread (run_time_ns, wait_time_ns)".
        Map<String, List<String>> footnotes = new LinkedHashMap<>();
        int shown = 0;
        for (DeltaRow r : c.rows()) {
            if (shown == limit) {
                break;
            }
            shown++;
            HostMetric m = HostMetric.of(r.metric());
            String base = cell(c.baselineGroups(), r.group(), m, r.unit());
            String cand = cell(c.candidateGroups(), r.group(), m, r.unit());
            table.row(r.group(), threads(r.baselineThreads(), r.candidateThreads()), r.metric(), base, cand,
                    r.delta() == null ? "-" : String.format(Locale.ROOT, "%+.3f%s", r.delta(), r.unit()),
                    r.percent() == null ? "-" : String.format(Locale.ROOT, "%+.1f%%", r.percent()));
            footnote(footnotes, base, cand, r.group(), r.metric(), r.unread(),
                    r.baselineThreads() + r.candidateThreads());
        }
        for (SettingRow s : c.settings()) {
            if (shown == limit) {
                break;
            }
            shown++;
            HostMetric m = HostMetric.of(s.metric());
            String base = cell(c.baselineGroups(), s.group(), m, "");
            String cand = cell(c.candidateGroups(), s.group(), m, "");
            table.row(s.group(), threads(s.baselineThreads(), s.candidateThreads()), s.metric(), base, cand,
                    s.same() == null ? "-" : s.same() ? "same" : "differs", "-");
            footnote(footnotes, base, cand, s.group(), s.metric(), s.unread(),
                    s.baselineThreads() + s.candidateThreads());
        }
        out.append(table.render(""));
        int total = c.rows().size() + c.settings().size();
        if (total > limit) {
            out.append("\u2026 ").append(total - limit).append(" more rows\n");
        }
        footnotes.forEach((head, metrics) -> out.append(PARTIAL).append(' ').append(head).append(" (")
                .append(String.join(", ", metrics)).append(")\n"));
    }

    /** A side's value: its text and unit, {@code missing} when no thread was read, marked when some were not. */
    private static String cell(Map<String, GroupSummary> groups, String group, HostMetric m, String unit) {
        MetricSummary s = groups.get(group).metric(m);
        if (s.value() == null) {
            return "missing";
        }
        return s.value().text() + unit + (s.partial() ? PARTIAL : "");
    }

    private static void footnote(Map<String, List<String>> footnotes, String base, String cand, String group,
                                 String metric, int unread, int threads) {
        if (base.endsWith(PARTIAL) || cand.endsWith(PARTIAL)) {
            String head = group + ": " + unread + " of " + threads + " threads unread";
            footnotes.computeIfAbsent(head, k -> new ArrayList<>()).add(metric);
        }
    }

    private static String threads(int a, int b) {
        return a == b ? Integer.toString(a) : a + "\u2192" + b;
    }

    private static void busiest(StringBuilder out, Comparison c) {
        if (c.busiest().isEmpty()) {
            return;
        }
        out.append(String.format(Locale.ROOT, "\nbusiest between the captures (%.3f s), share of one CPU:\n",
                c.intervalNs() / 1e9));
        TextTable table = new TextTable(c.groupBy().label(), "cpu", "run_time_ns").right(1, 2);
        for (GroupCpu g : c.busiest().subList(0, Math.min(BUSIEST_SHOWN, c.busiest().size()))) {
            table.row(g.group(), String.format(Locale.ROOT, "%.1f %%", 100 * g.cpu()), Long.toString(g.runTimeNs()));
        }
        out.append(table.render("  "));
        if (c.busiest().size() > BUSIEST_SHOWN) {
            out.append("  \u2026 ").append(c.busiest().size() - BUSIEST_SHOWN).append(" more groups\n");
        }
    }

    private static void cgroupTable(StringBuilder out, Comparison c) {
        out.append('\n');
        TextTable table = new TextTable("cgroup", "cpu_usage_usec", "nr_throttled", "throttled_usec",
                "memory_current");
        boolean partial = false;
        for (CgroupRow r : c.cgroups()) {
            List<String> cells = new ArrayList<>();
            cells.add(r.cgroup());
            for (CgroupRow.Reading x : List.of(r.cpuUsageUsec(), r.nrThrottled(), r.throttledUsec(),
                    r.memoryCurrent())) {
                String a = side(r.inBaseline(), x.baseline(), x.baselineUnread());
                String b = side(r.inCandidate(), x.candidate(), x.candidateUnread());
                partial |= a.endsWith(PARTIAL) || b.endsWith(PARTIAL);
                cells.add(x.delta() == null ? a + " \u2192 " + b
                        : String.format(Locale.ROOT, "%s \u2192 %s (%+d)", a, b, x.delta()));
            }
            table.row(cells.toArray(String[]::new));
        }
        out.append(table.render(""));
        if (partial) {
            out.append(PARTIAL).append(" some of the cgroups merged into the value could not be read\n");
        }
    }

    private static String side(boolean present, Long value, int unread) {
        if (!present) {
            return "-";
        }
        if (value == null) {
            return "missing";
        }
        return value + (unread > 0 ? PARTIAL : "");
    }

    private static void unmatched(StringBuilder out, List<String> groups, String side, String label) {
        if (groups.isEmpty()) {
            return;
        }
        out.append('\n').append(groups.size()).append(" group(s) only in ").append(side).append(" (").append(label)
                .append("):\n");
        for (String g : groups) {
            out.append("  ").append(g).append('\n');
        }
    }
}
