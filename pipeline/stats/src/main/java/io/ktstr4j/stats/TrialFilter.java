package io.ktstr4j.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code DIM=VALUE} conditions over trials ({@code --a}, {@code --b}, the filters of history and flaky): conditions
 * on different keys must all hold, several values of one key are alternatives. Keys are the {@link Dimension}s and
 * {@code test} (the test name). A commit matches with or without {@code -dirty} and by prefix ({@code abc1234} matches
 * {@code abc1234f-dirty}); a value ending in {@code -dirty} matches dirty trees only. {@code date} matches as a
 * prefix ({@code 2026-12}). Flags match as a set ({@code llc,borrow}). {@code -} matches an absent value.
 *
 * @param label     how the filter was given, for messages ({@code --a scheduler=eevdf})
 * @param dims      the values allowed per dimension
 * @param tests     the test names allowed (empty: any)
 */
public record TrialFilter(String label, Map<Dimension, Set<String>> dims, Set<String> tests) {

    /** The key of the test-name condition. */
    public static final String TEST = "test";

    public TrialFilter {
        Map<Dimension, Set<String>> m = new LinkedHashMap<>();
        dims.forEach((d, v) -> m.put(d, Set.copyOf(v)));
        dims = java.util.Collections.unmodifiableMap(m);
        tests = Set.copyOf(tests);
    }

    /** No condition: every trial matches. */
    public static TrialFilter all(String label) {
        return new TrialFilter(label, Map.of(), Set.of());
    }

    /**
     * Parses {@code DIM=VALUE} conditions given with {@code option}; a condition without {@code =} or with an unknown
     * key is refused naming the option and the condition.
     */
    public static TrialFilter parse(String option, List<String> conditions) {
        Map<Dimension, Set<String>> dims = new LinkedHashMap<>();
        Set<String> tests = new LinkedHashSet<>();
        for (String c : conditions == null ? List.<String>of() : conditions) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                throw new StatsInputException(option + " " + c + ": expected DIM=VALUE with DIM one of " + TEST + ", "
                        + Dimension.keys());
            }
            String key = c.substring(0, eq).strip();
            String value = c.substring(eq + 1).strip();
            if (key.equals(TEST)) {
                tests.add(value);
                continue;
            }
            Dimension d = Dimension.byKey(key);
            if (d == null) {
                throw new StatsInputException(option + " " + c + ": unknown dimension '" + key + "' (one of " + TEST
                        + ", " + Dimension.keys() + ")");
            }
            dims.computeIfAbsent(d, k -> new LinkedHashSet<>())
                    .add(d == Dimension.FLAGS ? canonicalFlags(value) : value);
        }
        String label = conditions == null || conditions.isEmpty() ? option + " (no condition)"
                : conditions.stream().map(c -> option + " " + c).collect(Collectors.joining(" "));
        return new TrialFilter(label, dims, tests);
    }

    /** Whether the trial meets every condition. */
    public boolean matches(Trial t) {
        if (!tests.isEmpty() && !tests.contains(t.testName())) {
            return false;
        }
        for (Map.Entry<Dimension, Set<String>> e : dims.entrySet()) {
            String v = t.dim(e.getKey());
            boolean any = false;
            for (String want : e.getValue()) {
                if (matches(e.getKey(), v, want)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /** The trials that match. */
    public List<Trial> select(List<Trial> pool) {
        List<Trial> out = new ArrayList<>();
        for (Trial t : pool) {
            if (matches(t)) {
                out.add(t);
            }
        }
        return out;
    }

    static boolean matches(Dimension d, String value, String want) {
        if (want.equals(Dimension.ABSENT) || value.equals(Dimension.ABSENT)) {
            return want.equals(value);
        }
        if (d == Dimension.DATE) {
            return value.startsWith(want);
        }
        if (d == Dimension.FLAGS) {
            return canonicalFlags(value).equals(want);
        }
        if (d.isCommit()) {
            boolean wantDirty = want.endsWith(CommitCohort.DIRTY);
            String base = CommitCohort.base(value);
            String wantBase = CommitCohort.base(want);
            if (wantDirty && !value.endsWith(CommitCohort.DIRTY)) {
                return false;
            }
            return base.equals(wantBase) || (wantBase.length() >= 4 && base.startsWith(wantBase));
        }
        return value.equals(want);
    }

    /** Flags as a sorted set, comma-joined. */
    static String canonicalFlags(String flags) {
        if (flags.equals(Dimension.ABSENT)) {
            return flags;
        }
        return Arrays.stream(flags.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(","));
    }

    /**
     * The dimensions that slice between two sides: constrained on both, with different values. A dimension constrained
     * on one side only narrows that side and still pairs.
     */
    public static List<Dimension> slicing(TrialFilter a, TrialFilter b) {
        List<Dimension> out = new ArrayList<>();
        for (Dimension d : Dimension.values()) {
            Set<String> va = a.dims.get(d);
            Set<String> vb = b.dims.get(d);
            if (va != null && vb != null && !va.equals(vb)) {
                out.add(d);
            }
        }
        return out;
    }
}
