package io.ktstr4j.stats;

import io.ktstr4j.schemas.verdict.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code stats flaky}: variants whose outcome differs across the trials of one project commit and kernel (pure). A
 * skip is not a conclusion (the variant did not run), so only PASS, FAIL, INCONCLUSIVE and ERROR count; ERROR is
 * the harness failing, listed because a variant that sometimes breaks the harness is flaky too.
 */
public final class Flaky {

    private Flaky() {
    }

    public static List<FlakyVariant> of(List<Trial> pool, TrialFilter filter) {
        if (pool.isEmpty()) {
            throw new StatsInputException("the pool is empty: no results");
        }
        List<Trial> selected = filter.select(pool);
        if (selected.isEmpty()) {
            throw new StatsInputException(filter.label() + " matches no result in the pool of " + pool.size());
        }
        CompareEngine.PairingKeys keys = variantKeys();
        java.util.function.Function<Trial, String> variantKey = keys.cached();
        Map<String, List<Trial>> groups = new LinkedHashMap<>();
        for (Trial t : selected) {
            groups.computeIfAbsent(groupKey(t, variantKey.apply(t)), x -> new ArrayList<>()).add(t);
        }
        List<FlakyVariant> out = new ArrayList<>();
        for (List<Trial> g : groups.values()) {
            Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
            Set<String> runs = new HashSet<>();
            for (Trial t : g) {
                counts.merge(t.outcome(), 1, Integer::sum);
                runs.add(t.runId());
            }
            if (!flaky(counts)) {
                continue;
            }
            Map<String, Integer> named = new LinkedHashMap<>();
            counts.forEach((o, n) -> named.put(o.name(), n));
            Trial t = g.get(0);
            out.add(new FlakyVariant(keys.label(t), t.dim(Dimension.PROJECT_COMMIT), t.dim(Dimension.KERNEL),
                    runs.size(), named));
        }
        out.sort(Comparator.comparing(FlakyVariant::variant).thenComparing(FlakyVariant::projectCommit));
        return out;
    }

    /**
     * What names a variant here: the test and every pairing dimension but the project commit, kernel and run source
     * ({@link CompareEngine.PairingKeys#label} writes it); a caller keeping its own ledger keys it the same way.
     */
    public static CompareEngine.PairingKeys variantKeys() {
        return CompareEngine.pairingKeys(List.of(Dimension.PROJECT_COMMIT, Dimension.KERNEL, Dimension.RUN_SOURCE));
    }

    /** The group a trial's outcome counts in: its project commit, kernel and variant. */
    public static String groupKey(CompareEngine.PairingKeys variantKeys, Trial t) {
        return groupKey(t, variantKeys.key(t));
    }

    private static String groupKey(Trial t, String variantKey) {
        return t.dim(Dimension.PROJECT_COMMIT) + '\u0000' + t.dim(Dimension.KERNEL) + '\u0000' + variantKey;
    }

    /** Whether a group's outcome counts make it flaky: two conclusions at least (a skip is none). */
    public static boolean flaky(Map<Outcome, Integer> counts) {
        return counts.keySet().stream().filter(o -> o != Outcome.SKIP).count() >= 2;
    }
}
