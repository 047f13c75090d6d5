package io.ktstr4j.stats;

import io.ktstr4j.schemas.metric.MetricDef;
import io.ktstr4j.schemas.metric.MetricRegistry;
import io.ktstr4j.schemas.report.Polarity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The A/B comparison of {@code stats compare}, as pure functions over lists of trials (no I/O): a caller with results
 * in hand, such as a stream processor comparing each new result with its baseline, calls
 * {@link #compare(List, List, List, String, String, CompareOptions)} with the two sides.
 *
 * <p>Per paired variant and metric: the passing trials of each side give n, mean, sd and an interval; the delta
 * {@code B - A} is a change when it passes the metric's absolute and relative gates (ktstr's dual gate); where both
 * sides have at least {@link CompareOptions#minTrials()} trials it must also be significant by Welch's t-test at
 * alpha after the correction across the variant's tested metrics. A change in the worse direction of the metric's
 * polarity is a regression.
 */
public final class CompareEngine {

    private CompareEngine() {
    }

    /**
     * Splits {@code pool} into the trials matching {@code a} and those matching {@code b}, and compares them; the
     * dimensions both filters constrain differently slice. Refuses (a {@link StatsInputException} naming the problem)
     * an empty pool, sides that do not differ, a side that matches nothing and sides that pair nothing.
     */
    public static CompareReport compare(List<Trial> pool, TrialFilter a, TrialFilter b, CompareOptions o) {
        if (pool.isEmpty()) {
            throw new StatsInputException("the pool is empty: no results to compare");
        }
        List<Dimension> slicing = TrialFilter.slicing(a, b);
        if (slicing.isEmpty()) {
            throw new StatsInputException("--a and --b do not differ: give both sides a different value of one "
                    + "dimension at least, e.g. --a scheduler=eevdf --b scheduler=scx_simple");
        }
        List<Trial> sideA = a.select(pool);
        if (sideA.isEmpty()) {
            throw new StatsInputException(a.label() + " matches no result in the pool of " + pool.size()
                    + " (stats list-values shows what there is)");
        }
        List<Trial> sideB = b.select(pool);
        if (sideB.isEmpty()) {
            throw new StatsInputException(b.label() + " matches no result in the pool of " + pool.size()
                    + " (stats list-values shows what there is)");
        }
        java.util.Set<Long> idsA = new java.util.HashSet<>();
        sideA.forEach(t -> idsA.add(t.id()));
        List<Trial> both = sideB.stream().filter(t -> idsA.contains(t.id())).toList();
        if (!both.isEmpty()) {
            // shared trials would pull the two means together and hide the very change being looked for
            throw new StatsInputException(a.label() + " and " + b.label() + " both match " + both.size() + " result"
                    + (both.size() == 1 ? "" : "s") + " (e.g. run " + both.get(0).runId() + "); make the sides "
                    + "disjoint (a clean commit matches its -dirty trees too: name the -dirty one on both sides, or "
                    + "the runs)");
        }
        CompareReport r = compare(sideA, sideB, slicing, a.label(), b.label(), o);
        if (r.pairs().isEmpty()) {
            throw new StatsInputException("the sides pair nothing: no test has trials on both sides with the same "
                    + String.join(", ", r.pairing()) + " (A has e.g. " + first(r.onlyInA()) + ", B has e.g. "
                    + first(r.onlyInB()) + ")");
        }
        return r;
    }

    /**
     * Compares two sides chosen by the caller. {@code slicing} are the dimensions in which the sides differ by
     * design; the test name and every other pairing dimension pair trials. Returns no pairs when nothing pairs.
     */
    public static CompareReport compare(List<Trial> a, List<Trial> b, List<Dimension> slicing, String labelA,
                                        String labelB, CompareOptions o) {
        PairingKeys keys = pairingKeys(slicing);
        Map<String, List<Trial>> byKeyA = keys.group(a);
        Map<String, List<Trial>> byKeyB = keys.group(b);
        List<PairComparison> pairs = new ArrayList<>();
        List<String> onlyA = new ArrayList<>();
        List<String> onlyB = new ArrayList<>();
        for (Map.Entry<String, List<Trial>> e : byKeyA.entrySet()) {
            List<Trial> tb = byKeyB.get(e.getKey());
            if (tb == null) {
                onlyA.add(keys.label(e.getValue().get(0)));
                continue;
            }
            List<Trial> ta = e.getValue();
            if (o.average()) {
                pairs.add(pair(keys.label(ta.get(0)), keys, ta, tb, o));
            } else {
                pairs.addAll(trialByTrial(keys, ta, tb, o));
            }
        }
        for (Map.Entry<String, List<Trial>> e : byKeyB.entrySet()) {
            if (!byKeyA.containsKey(e.getKey())) {
                onlyB.add(keys.label(e.getValue().get(0)));
            }
        }
        pairs.sort(Comparator.comparing(PairComparison::key));
        pairs = adjustAcrossComparison(pairs, o);
        onlyA.sort(null);
        onlyB.sort(null);
        int reg = 0;
        int imp = 0;
        int noise = 0;
        for (PairComparison p : pairs) {
            for (MetricComparison m : p.metrics()) {
                switch (m.finding()) {
                    case REGRESSION -> reg++;
                    case IMPROVEMENT -> imp++;
                    case NOISE -> noise++;
                    default -> { }
                }
            }
        }
        return new CompareReport(labelA, labelB, slicing.stream().map(Dimension::key).toList(),
                keys.pairing().stream().map(Dimension::key).toList(), o.alpha(), o.correction(), o.average(), pairs, onlyA,
                onlyB, HostDiff.labels(a), HostDiff.labels(b), HostDiff.of(a, b), reg, imp, noise);
    }

    /** {@code --no-average}: the i-th trial of A (in time order) against the i-th of B. */
    private static List<PairComparison> trialByTrial(PairingKeys keys, List<Trial> ta, List<Trial> tb,
                                                     CompareOptions o) {
        List<Trial> sa = ta.stream().sorted(Comparator.comparingLong(Trial::timestampMs)).toList();
        List<Trial> sb = tb.stream().sorted(Comparator.comparingLong(Trial::timestampMs)).toList();
        List<PairComparison> out = new ArrayList<>();
        for (int i = 0; i < Math.min(sa.size(), sb.size()); i++) {
            out.add(pair(keys.label(sa.get(i)) + " #" + (i + 1), keys, List.of(sa.get(i)), List.of(sb.get(i)), o));
        }
        return out;
    }

    private static PairComparison pair(String key, PairingKeys keys, List<Trial> ta, List<Trial> tb,
                                       CompareOptions o) {
        List<ExcludedTrial> excluded = new ArrayList<>();
        List<Trial> pa = passing(ta, "A", excluded);
        List<Trial> pb = passing(tb, "B", excluded);
        List<String> names = metricNames(pa, pb);
        List<MetricComparison> rows = new ArrayList<>();
        Map<String, String> oneSide = new TreeMap<>();
        for (String name : names) {
            double[] va = values(pa, name);
            double[] vb = values(pb, name);
            if (va.length == 0 || vb.length == 0) {
                if (va.length + vb.length > 0) {
                    oneSide.put(name, va.length > 0 ? "A" : "B");
                }
                continue;
            }
            SideStats sa = SideStats.of(va, o.alpha());
            SideStats sb = SideStats.of(vb, o.alpha());
            if (sa.mean() == 0 && sb.mean() == 0 && allZero(va) && allZero(vb)) {
                continue; // nothing measured on either side (ktstr skips these too)
            }
            MetricDef def = def(name, pa, pb);
            double delta = sb.mean() - sa.mean();
            double rel = sa.mean() != 0 ? Math.abs(delta / sa.mean()) : delta == 0 ? 0 : Double.POSITIVE_INFINITY;
            double relGate = o.policy().relGate(def);
            boolean past = Math.abs(delta) >= def.defaultAbs() && rel >= relGate && delta != 0;
            Double p = null;
            if (va.length >= o.minTrials() && vb.length >= o.minTrials()) {
                p = Significance.welchP(va, vb);
            }
            rows.add(new MetricComparison(name, def.polarity(), def.unit(), sa, sb, delta, rel, def.defaultAbs(),
                    relGate, past, p, null, null));
        }
        List<MetricComparison> judged = new ArrayList<>();
        for (MetricComparison m : rows) {
            judged.add(withAdjusted(m, null, o.alpha())); // until the comparison-wide correction
        }
        Trial first = ta.get(0);
        return new PairComparison(key, first.testName(), keys.values(first), ta.size(), tb.size(),
                commits(ta), commits(tb), judged, excluded, oneSide);
    }

    /**
     * Holm or BH over every tested metric of every paired variant of the comparison: one family, so that comparing
     * many variants does not multiply the chance of a false regression (per variant, V variants would allow up to
     * V x alpha).
     */
    static List<PairComparison> adjustAcrossComparison(List<PairComparison> pairs, CompareOptions o) {
        List<Double> raw = new ArrayList<>();
        for (PairComparison p : pairs) {
            for (MetricComparison m : p.metrics()) {
                if (m.pValue() != null) {
                    raw.add(m.pValue());
                }
            }
        }
        double[] adj = Significance.adjust(raw.stream().mapToDouble(Double::doubleValue).toArray(), o.correction());
        int k = 0;
        List<PairComparison> out = new ArrayList<>();
        for (PairComparison p : pairs) {
            List<MetricComparison> ms = new ArrayList<>();
            for (MetricComparison m : p.metrics()) {
                ms.add(withAdjusted(m, m.pValue() != null ? adj[k++] : null, o.alpha()));
            }
            out.add(new PairComparison(p.key(), p.testName(), p.pairing(), p.trialsA(), p.trialsB(), p.commitsA(),
                    p.commitsB(), ms, p.excluded(), p.onlyOneSide()));
        }
        return out;
    }

    private static MetricComparison withAdjusted(MetricComparison m, Double pAdj, double alpha) {
        return new MetricComparison(m.metric(), m.polarity(), m.unit(), m.a(), m.b(), m.delta(), m.relDelta(),
                m.absGate(), m.relGate(), m.pastGates(), m.pValue(), pAdj, finding(m, pAdj, alpha));
    }

    static Finding finding(MetricComparison m, Double pAdjusted, double alpha) {
        if (!m.pastGates()) {
            return Finding.UNCHANGED;
        }
        if (pAdjusted != null && pAdjusted > alpha) {
            return Finding.NOISE;
        }
        Boolean worse = worse(m.polarity(), m.a().mean(), m.b().mean());
        if (worse == null) {
            return Finding.INFORMATIONAL;
        }
        return worse ? Finding.REGRESSION : Finding.IMPROVEMENT;
    }

    /** Whether B is worse than A by the polarity; null for a metric without a direction. */
    static Boolean worse(Polarity p, double a, double b) {
        return switch (p.kind()) {
            case LOWER_BETTER -> b > a;
            case HIGHER_BETTER -> b < a;
            case TARGET_VALUE -> Math.abs(b - p.target()) == Math.abs(a - p.target()) ? null
                    : Math.abs(b - p.target()) > Math.abs(a - p.target());
            case UNKNOWN -> null;
        };
    }

    private static List<Trial> passing(List<Trial> trials, String side, List<ExcludedTrial> excluded) {
        List<Trial> out = new ArrayList<>();
        for (Trial t : trials) {
            if (t.counts()) {
                out.add(t);
            } else {
                excluded.add(new ExcludedTrial(side, t.runId(), t.outcome()));
            }
        }
        return out;
    }

    /** Registry metrics first, in registry order, then payload metrics by name. */
    private static List<String> metricNames(List<Trial> a, List<Trial> b) {
        List<String> out = new ArrayList<>();
        for (MetricDef d : MetricRegistry.registry()) {
            out.add(d.name());
        }
        Set<String> payload = new TreeSet<>();
        for (List<Trial> side : List.of(a, b)) {
            for (Trial t : side) {
                t.payload().forEach(p -> payload.add(p.def().name()));
            }
        }
        out.addAll(payload);
        return out;
    }

    private static double[] values(List<Trial> trials, String metric) {
        int idx = MetricRegistry.indexOf(metric);
        double[] out = new double[trials.size()];
        int n = 0;
        for (Trial t : trials) {
            Double v = idx >= 0 ? (Double.isNaN(t.values()[idx]) ? null : t.values()[idx]) : t.value(metric);
            if (v != null) {
                out[n++] = v;
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    private static boolean allZero(double[] v) {
        for (double d : v) {
            if (d != 0) {
                return false;
            }
        }
        return true;
    }

    private static MetricDef def(String name, List<Trial> a, List<Trial> b) {
        java.util.Optional<MetricDef> reg = MetricRegistry.find(name);
        if (reg.isPresent()) {
            return reg.get();
        }
        for (List<Trial> side : List.of(a, b)) {
            for (Trial t : side) {
                MetricDef d = t.payloadDef(name);
                if (d != null) {
                    return d;
                }
            }
        }
        throw new IllegalStateException(name + ": a payload metric no trial reports");
    }

    private static Map<String, String> commits(List<Trial> trials) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Dimension d : List.of(Dimension.PROJECT_COMMIT, Dimension.KERNEL_COMMIT)) {
            Set<String> v = new LinkedHashSet<>();
            trials.forEach(t -> v.add(t.dim(d)));
            out.put(d.key(), CommitCohort.render(v));
        }
        return out;
    }

    private static String first(List<String> l) {
        return l.isEmpty() ? "nothing" : l.get(0);
    }

    /**
     * The pairing keys {@link #compare(List, List, List, String, String, CompareOptions)} groups trials by when
     * {@code slicing} slices: a caller that keeps its own sides (a stream processor holding each variant's baseline)
     * keys them the same way.
     */
    public static PairingKeys pairingKeys(List<Dimension> slicing) {
        List<Dimension> pairing = new ArrayList<>();
        for (Dimension d : Dimension.values()) {
            if (d.pairs() && !slicing.contains(d)) {
                pairing.add(d);
            }
        }
        return new PairingKeys(pairing);
    }

    /** Pairing keys; bulk work computes each once per shared {@link VariantDims} ({@link #cached()}). */
    public static final class PairingKeys {
        private final List<Dimension> pairing;

        PairingKeys(List<Dimension> pairing) {
            this.pairing = List.copyOf(pairing);
        }

        /** The dimensions in the key (besides the test name and the variant extras). */
        public List<Dimension> pairing() {
            return pairing;
        }

        /** The full key: test, each pairing dimension (commits without -dirty, flags as a set), the variant extras. */
        public String key(Trial t) {
            VariantDims v = t.variant();
            StringBuilder sb = new StringBuilder(v.testName());
            for (Dimension d : pairing) {
                sb.append('\u0000').append(value(v, d));
            }
            return sb.append('\u0000').append(v.variantExtra()).toString();
        }

        /**
         * {@link #key} remembering each {@link VariantDims} it has keyed (trials of one variant share theirs): for a
         * pass over a pool; the memory goes with the function, so a long-lived holder of these keys does not grow.
         */
        public java.util.function.Function<Trial, String> cached() {
            Map<VariantDims, String> memo = new IdentityHashMap<>();
            return t -> memo.computeIfAbsent(t.variant(), v -> key(t));
        }

        /** How a key reads: test name, then the pairing values joined by {@code /}. */
        public String label(Trial t) {
            StringBuilder sb = new StringBuilder(t.testName());
            for (Dimension d : pairing) {
                sb.append('/').append(value(t.variant(), d));
            }
            return sb.toString();
        }

        Map<String, String> values(Trial t) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Dimension d : pairing) {
                out.put(d.key(), value(t.variant(), d));
            }
            return out;
        }

        Map<String, List<Trial>> group(List<Trial> trials) {
            java.util.function.Function<Trial, String> keyOf = cached();
            Map<String, List<Trial>> out = new LinkedHashMap<>();
            for (Trial t : trials) {
                out.computeIfAbsent(keyOf.apply(t), k -> new ArrayList<>()).add(t);
            }
            return out;
        }

        private static String value(VariantDims v, Dimension d) {
            String s = v.get(d);
            if (d.isCommit()) {
                return CommitCohort.base(s);
            }
            return d == Dimension.FLAGS ? TrialFilter.canonicalFlags(s) : s;
        }
    }
}
