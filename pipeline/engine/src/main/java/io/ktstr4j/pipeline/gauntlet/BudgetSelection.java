package io.ktstr4j.pipeline.gauntlet;

import io.ktstr4j.pipeline.Variant;
import io.ktstr4j.pipeline.VariantRelation;
import io.ktstr4j.schemas.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code --budget}: the variants that give the most new coverage per estimated second, as ktstr's budget picks them
 * (greedy on marginal coverage over estimated time). Coverage is the set of tests, presets, topology traits (SMT,
 * NUMA, LLC count), schedulers, flags and kernels the picked variants reach. A variant's time is the median of its
 * past runs when the results store has them, else ktstr's estimate from its size: 10 s + 1 s per 10 vCPUs past 16 +
 * the scenario + 2 s. The budget is wall time: VMs that run side by side share it. Once nothing new is left to cover,
 * what still fits runs too, in plan order. A variant judged against a baseline brings its baseline.
 */
public final class BudgetSelection {

    /** Past runs whose median estimates a variant. */
    static final int PAST_RUNS = 5;

    /** A variant picked, with what it is expected to take. */
    public record Pick(Variant variant, long estimateMs, boolean fromPast) {
    }

    /**
     * The outcome: what runs, in plan order, and how the budget is spent.
     *
     * @param picked      the variants to run, in plan order
     * @param left        the variants left out
     * @param budgetMs    the wall-time budget
     * @param parallelism VMs expected side by side
     * @param covered     coverage items reached
     * @param coverable   coverage items of the whole plan
     */
    public record Plan(List<Pick> picked, List<Variant> left, long budgetMs, int parallelism, int trials, int covered,
                       int coverable) {

        /** Wall time expected: the picked estimates, times the trials, spread over the VMs that run side by side. */
        public long estimatedMs() {
            return picked.stream().mapToLong(Pick::estimateMs).sum() * trials / parallelism;
        }

        public List<Variant> variants() {
            return picked.stream().map(Pick::variant).toList();
        }

        /** {@code budget 20m: 12 of 40 variants, ~19m12s estimated (6 from past runs), 23 of 25 ... covered}. */
        public String summary() {
            long past = picked.stream().filter(Pick::fromPast).count();
            return String.format(Locale.ROOT, "budget %s: %d of %d variants%s, ~%s estimated at %d side by side "
                            + "(%d from past results, %d from preset size); %d of %d tests, presets, topology traits, "
                            + "schedulers, flags and kernels covered", human(budgetMs), picked.size(),
                    picked.size() + left.size(), trials > 1 ? " x " + trials + " trials" : "", human(estimatedMs()),
                    parallelism, past, picked.size() - past, covered, coverable);
        }
    }

    private BudgetSelection() {
    }

    /** VMs expected side by side: what the CPU budget holds of the plan's typical (median) variant, at most --jobs. */
    public static int sideBySide(CpuBudget cpus, List<Variant> variants) {
        int[] sizes = variants.stream().filter(v -> v.skipReason() == null).mapToInt(v -> v.topology().totalCpus())
                .sorted().toArray();
        if (sizes.length == 0) {
            return 1;
        }
        int median = sizes[sizes.length / 2];
        return Math.max(1, Math.min(cpus.jobs(), cpus.vcpuCapacity() / median));
    }

    /** Picks from {@code variants} (plan order) what fits {@code budget} at {@code parallelism} VMs at once. */
    public static Plan select(List<Variant> variants, Duration budget, int parallelism, Map<String, List<Long>> past) {
        return select(variants, budget, parallelism, past, 1);
    }

    /** The same when each picked variant runs {@code trials} times. */
    public static Plan select(List<Variant> variants, Duration budget, int parallelism, Map<String, List<Long>> past,
                              int trials) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("--budget: " + budget + " must be positive");
        }
        int par = Math.max(1, parallelism);
        int n = Math.max(1, trials);
        long room = budget.toMillis() * par / n; // every pick runs n times
        Map<String, Variant> byKey = new HashMap<>();
        variants.forEach(v -> byKey.put(v.key(), v));
        Map<Variant, Pick> picks = new HashMap<>();
        for (Variant v : variants) {
            Long p = pastEstimate(v, past);
            picks.put(v, new Pick(v, p != null ? p : sizeEstimate(v), p != null));
        }
        Set<String> covered = new LinkedHashSet<>();
        Set<String> coverable = new LinkedHashSet<>();
        variants.forEach(v -> coverable.addAll(features(v)));
        Set<Variant> chosen = new LinkedHashSet<>();
        long used = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            List<Variant> best = null;
            double bestScore = 0;
            long bestCost = 0;
            for (Variant v : variants) {
                if (chosen.contains(v)) {
                    continue;
                }
                List<Variant> unit = unit(v, byKey, chosen);
                long cost = unit.stream().mapToLong(u -> picks.get(u).estimateMs()).sum();
                if (used + cost > room) {
                    continue;
                }
                Set<String> gain = new LinkedHashSet<>();
                unit.forEach(u -> gain.addAll(features(u)));
                gain.removeAll(covered);
                double score = gain.size() / (double) Math.max(1, cost);
                if (!gain.isEmpty() && score > bestScore) {
                    best = unit;
                    bestScore = score;
                    bestCost = cost;
                }
            }
            if (best != null) {
                chosen.addAll(best);
                best.forEach(u -> covered.addAll(features(u)));
                used += bestCost;
                progress = true;
            }
        }
        for (Variant v : variants) { // nothing new left to cover: fill what remains, in plan order
            if (chosen.contains(v)) {
                continue;
            }
            List<Variant> unit = unit(v, byKey, chosen);
            long cost = unit.stream().mapToLong(u -> picks.get(u).estimateMs()).sum();
            if (used + cost <= room) {
                chosen.addAll(unit);
                used += cost;
            }
        }
        List<Pick> picked = new ArrayList<>();
        List<Variant> left = new ArrayList<>();
        for (Variant v : variants) {
            if (chosen.contains(v)) {
                picked.add(picks.get(v));
            } else {
                left.add(v);
            }
        }
        return new Plan(picked, left, budget.toMillis(), par, n, covered.size(), coverable.size());
    }

    /** The variant, and its baseline when it is judged against one not chosen yet. */
    private static List<Variant> unit(Variant v, Map<String, Variant> byKey, Set<Variant> chosen) {
        List<Variant> u = new ArrayList<>();
        if (v.relation() instanceof VariantRelation.JudgedAgainst j) {
            Variant b = byKey.get(j.baselineKey());
            if (b != null && !chosen.contains(b)) {
                u.add(b);
            }
        }
        u.add(v);
        return u;
    }

    /** What a variant covers: nothing when it is skipped (it runs nothing). */
    static Set<String> features(Variant v) {
        Set<String> f = new LinkedHashSet<>();
        if (v.skipReason() != null) {
            return f;
        }
        Topology t = v.topology();
        f.add("test:" + v.testName());
        f.add("preset:" + v.preset());
        f.add("llcs:" + t.llcs());
        if (t.threadsPerCore() > 1) {
            f.add("smt");
        }
        if (t.numaNodes() > 1) {
            f.add("numa");
        }
        f.add("scheduler:" + v.scheduler().name());
        v.scheduler().flags().forEach(x -> f.add("flag:" + x));
        f.add("kernel:" + (v.kernelLabel() != null ? v.kernelLabel() : String.valueOf(v.kernel())));
        return f;
    }

    /** The median of the variant's last runs, or null when the store has none. */
    static Long pastEstimate(Variant v, Map<String, List<Long>> past) {
        List<Long> ms = past.get(v.key());
        if (ms == null || ms.isEmpty()) {
            return null;
        }
        List<Long> recent = new ArrayList<>(ms.subList(0, Math.min(PAST_RUNS, ms.size())));
        recent.sort(null);
        return recent.get(recent.size() / 2);
    }

    /** ktstr's estimate: 10 s (boot of a 16-CPU VM) + 1 s per 10 vCPUs past 16 + the scenario + 2 s to settle. */
    static long sizeEstimate(Variant v) {
        if (v.skipReason() != null) {
            return 0;
        }
        long cpus = v.topology().totalCpus();
        return (10 + Math.max(0, (cpus - 16) / 10) + 2) * 1000 + v.duration().toMillis();
    }

    static String human(long ms) {
        long s = Math.round(ms / 1000.0);
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }
}
