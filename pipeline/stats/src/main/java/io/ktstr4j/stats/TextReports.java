package io.ktstr4j.stats;

import io.ktstr4j.schemas.metric.MetricDef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The text output of the {@code stats} commands. */
public final class TextReports {

    private TextReports() {
    }

    /** {@code stats compare}: a header, one table per paired variant, what did not pair, the hosts, a summary. */
    public static String compare(CompareReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("A: ").append(r.sideA()).append('\n');
        sb.append("B: ").append(r.sideB()).append('\n');
        Map<String, String> common = commonPairing(r);
        List<String> varying = r.pairing().stream().filter(d -> !common.containsKey(d)).toList();
        sb.append("slicing: ").append(String.join(", ", r.slicing())).append("; pairing: test")
                .append(varying.isEmpty() ? "" : ", " + String.join(", ", varying));
        if (!common.isEmpty()) {
            sb.append("; common: ").append(common.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "alpha %s (%s across every tested metric of the comparison), %s; intervals %s%%%n",
                num(r.alpha()), r.correction().name().toLowerCase(Locale.ROOT).replace("bh", "Benjamini-Hochberg")
                        .replace("holm", "Holm"),
                r.averaged() ? "trials averaged" : "trial by trial (--no-average)", num(100 * (1 - r.alpha()))));
        for (PairComparison p : r.pairs()) {
            sb.append('\n').append(label(p, varying)).append(String.format(Locale.ROOT,
                    "   A: %d trial%s (%s)   B: %d trial%s (%s)%n", p.trialsA(), p.trialsA() == 1 ? "" : "s",
                    commits(p.commitsA()), p.trialsB(), p.trialsB() == 1 ? "" : "s", commits(p.commitsB())));
            TextTable t = new TextTable("metric", "nA", "A mean ± sd", "A interval", "nB", "B mean ± sd",
                    "B interval", "delta", "rel", "p adj", "finding").right(1, 4, 7, 8, 9);
            for (MetricComparison m : p.metrics()) {
                t.row(m.metric() + (m.polarity().kind() == io.ktstr4j.schemas.report.Polarity.Kind.HIGHER_BETTER
                                ? " (H)" : ""),
                        Integer.toString(m.a().n()), meanSd(m.a()), interval(m.a()), Integer.toString(m.b().n()),
                        meanSd(m.b()), interval(m.b()), signed(m.delta()), pct(m.relDelta()),
                        m.pAdjusted() == null ? "-" : String.format(Locale.ROOT, "%.3g", m.pAdjusted()),
                        finding(m.finding()));
            }
            if (t.isEmpty()) {
                sb.append("  (no metric on both sides: every trial of a side failed or skipped)\n");
            } else {
                sb.append(t.render("  "));
            }
            if (!p.onlyOneSide().isEmpty()) {
                sb.append("  on one side only: ").append(p.onlyOneSide().entrySet().stream()
                        .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", ")))
                        .append('\n');
            }
            if (!p.excluded().isEmpty()) {
                sb.append("  left out of the means: ").append(p.excluded().stream()
                        .map(x -> x.side() + " " + x.runId() + " " + x.outcome()).collect(Collectors.joining(", ")))
                        .append('\n');
            }
        }
        if (!r.onlyInA().isEmpty()) {
            sb.append("\nonly in A (no B trial pairs): ").append(String.join(", ", r.onlyInA())).append('\n');
        }
        if (!r.onlyInB().isEmpty()) {
            sb.append("\nonly in B (no A trial pairs): ").append(String.join(", ", r.onlyInB())).append('\n');
        }
        sb.append("\nhosts A: ").append(String.join("; ", r.hostsA())).append('\n');
        sb.append("hosts B: ").append(String.join("; ", r.hostsB())).append('\n');
        if (!r.hostDifferences().isEmpty()) {
            TextTable h = new TextTable("host field", "A", "B");
            for (HostDifference d : r.hostDifferences()) {
                h.row(d.field(), String.join(" | ", d.valuesA()), String.join(" | ", d.valuesB()));
            }
            sb.append("host differences:\n").append(h.render("  "));
        }
        sb.append(String.format(Locale.ROOT, "%n%d regression%s, %d improvement%s, %d past the gates but not "
                        + "significant, over %d paired variant%s%n", r.regressions(), r.regressions() == 1 ? "" : "s",
                r.improvements(), r.improvements() == 1 ? "" : "s", r.noise(), r.pairs().size(),
                r.pairs().size() == 1 ? "" : "s"));
        for (PairComparison p : r.pairs()) {
            if (p.lostEveryPass()) {
                sb.append(String.format(Locale.ROOT, "REGRESSION %s: no passing trial on B (%s)%n", p.key(),
                        p.excluded().stream().filter(x -> x.side().equals("B")).map(x -> String.valueOf(x.outcome()))
                                .collect(java.util.stream.Collectors.joining(", "))));
            }
            for (MetricComparison m : p.regressions()) {
                sb.append(String.format(Locale.ROOT, "REGRESSION %s: %s %s -> %s (%s)%n", p.key(), m.metric(),
                        num(m.a().mean()), num(m.b().mean()), pct(m.relDelta())));
            }
        }
        return sb.toString();
    }

    /** The pairing values all pairs share, shown once in the header. */
    private static Map<String, String> commonPairing(CompareReport r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String d : r.pairing()) {
            Set<String> v = new LinkedHashSet<>();
            r.pairs().forEach(p -> v.add(p.pairing().get(d)));
            if (v.size() == 1) {
                out.put(d, v.iterator().next());
            }
        }
        return out;
    }

    private static String label(PairComparison p, List<String> varying) {
        List<String> parts = new ArrayList<>(List.of(p.testName()));
        varying.forEach(d -> parts.add(p.pairing().get(d)));
        int hash = p.key().lastIndexOf(" #");
        return String.join("/", parts) + (hash >= 0 ? p.key().substring(hash) : "");
    }

    private static String commits(Map<String, String> c) {
        return "project " + c.get("project_commit") + ", kernel " + c.get("kernel_commit");
    }

    private static String finding(Finding f) {
        return switch (f) {
            case REGRESSION -> "REGRESSION";
            case IMPROVEMENT -> "improvement";
            case NOISE -> "noise";
            case INFORMATIONAL -> "changed";
            case UNCHANGED -> "";
        };
    }

    private static String meanSd(SideStats s) {
        return s.sd() == null ? num(s.mean()) : num(s.mean()) + " ± " + num(s.sd());
    }

    private static String interval(SideStats s) {
        return s.ciLow() == null ? "-" : "[" + num(s.ciLow()) + ", " + num(s.ciHigh()) + "]";
    }

    private static String signed(double d) {
        return (d > 0 ? "+" : "") + num(d);
    }

    private static String pct(double rel) {
        if (Double.isInfinite(rel)) {
            return "inf";
        }
        return String.format(Locale.ROOT, "%.1f%%", 100 * rel);
    }

    /** Four significant digits, no exponent for everyday magnitudes. */
    static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        double a = Math.abs(d);
        if (a >= 0.01 && a < 1e7) {
            return new java.math.BigDecimal(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.3g", d);
    }

    /** {@code stats history}. */
    public static String history(String metric, List<HistoryPoint> points) {
        TextTable t = new TextTable("date", "run", "project commit", "kernel", metric, "sd", "n", "not passed")
                .right(4, 5, 6, 7);
        for (HistoryPoint p : points) {
            t.row(p.date(), p.runId(), p.projectCommit(), p.kernel(), num(p.value()),
                    p.sd() == null ? "-" : num(p.sd()), Integer.toString(p.n()), Integer.toString(p.notPassed()));
        }
        return t.render("");
    }

    /** {@code stats flaky}. */
    public static String flaky(List<FlakyVariant> flaky) {
        if (flaky.isEmpty()) {
            return "no flaky variant: every variant had one conclusion per project commit and kernel\n";
        }
        TextTable t = new TextTable("variant", "project commit", "kernel", "runs", "outcomes").right(3);
        for (FlakyVariant f : flaky) {
            t.row(f.variant(), f.projectCommit(), f.kernel(), Integer.toString(f.runs()), f.outcomes().entrySet()
                    .stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        return t.render("") + flaky.size() + " flaky variant" + (flaky.size() == 1 ? "" : "s") + "\n";
    }

    /** {@code stats list}. */
    public static String runs(List<RunRow> runs) {
        TextTable t = new TextTable("run", "date", "host", "kernel", "project commit", "kernel commit", "variants",
                "pass", "fail", "other").right(6, 7, 8, 9);
        for (RunRow r : runs) {
            int pass = r.outcomes().getOrDefault("PASS", 0);
            int fail = r.outcomes().getOrDefault("FAIL", 0);
            int all = r.outcomes().values().stream().mapToInt(Integer::intValue).sum();
            t.row(r.runId(), r.date(), String.join("; ", r.hosts()), String.join(", ", r.kernels()),
                    r.projectCommits(), r.kernelCommits(), Integer.toString(r.variants()), Integer.toString(pass),
                    Integer.toString(fail), Integer.toString(all - pass - fail));
        }
        return t.render("") + runs.size() + " run" + (runs.size() == 1 ? "" : "s") + "\n";
    }

    /** {@code stats list-metrics}. */
    public static String metrics(List<MetricDef> defs) {
        TextTable t = new TextTable("metric", "polarity", "abs gate", "rel gate", "unit", "origin", "read from")
                .right(2, 3);
        for (MetricDef d : defs) {
            t.row(d.name(), polarity(d), num(d.defaultAbs()), String.format(Locale.ROOT, "%.0f%%",
                    100 * d.defaultRel()), d.unit(), d.origin().name().toLowerCase(Locale.ROOT), d.readFrom());
        }
        return t.render("");
    }

    static String polarity(MetricDef d) {
        return switch (d.polarity().kind()) {
            case HIGHER_BETTER -> "higher better";
            case LOWER_BETTER -> "lower better";
            case TARGET_VALUE -> "target " + num(d.polarity().target());
            case UNKNOWN -> "unknown (shown, never judged)";
        };
    }

    /** {@code stats list-values}. */
    public static String values(Map<String, Map<String, Integer>> values) {
        StringBuilder sb = new StringBuilder();
        values.forEach((dim, v) -> sb.append(dim).append(": ").append(v.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "))).append('\n'));
        return sb.toString();
    }
}
