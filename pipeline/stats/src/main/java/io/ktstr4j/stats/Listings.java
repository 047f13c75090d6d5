package io.ktstr4j.stats;

import io.ktstr4j.schemas.verdict.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** {@code stats list} and {@code stats list-values} over a pool (pure). */
public final class Listings {

    private Listings() {
    }

    /** One row per run, oldest first. */
    public static List<RunRow> runs(List<Trial> pool) {
        Map<String, List<Trial>> byRun = new LinkedHashMap<>();
        for (Trial t : pool) {
            byRun.computeIfAbsent(t.runId(), k -> new ArrayList<>()).add(t);
        }
        List<RunRow> out = new ArrayList<>();
        for (Map.Entry<String, List<Trial>> e : byRun.entrySet()) {
            long first = Long.MAX_VALUE;
            Set<String> hosts = new TreeSet<>();
            Set<String> kernels = new TreeSet<>();
            Set<String> pc = new LinkedHashSet<>();
            Set<String> kc = new LinkedHashSet<>();
            Set<Object> variants = new HashSet<>();
            Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
            for (Trial t : e.getValue()) {
                first = Math.min(first, t.timestampMs());
                String h = Trials.hostLabel(t.host());
                hosts.add(h == null ? Dimension.ABSENT : h);
                kernels.add(t.dim(Dimension.KERNEL));
                pc.add(t.dim(Dimension.PROJECT_COMMIT));
                kc.add(t.dim(Dimension.KERNEL_COMMIT));
                variants.add(t.variantKey() != null ? t.variantKey() : t.variant());
                counts.merge(t.outcome(), 1, Integer::sum);
            }
            Map<String, Integer> named = new LinkedHashMap<>();
            counts.forEach((o, n) -> named.put(o.name(), n));
            out.add(new RunRow(e.getKey(), Instant.ofEpochMilli(first).toString(), new ArrayList<>(hosts),
                    new ArrayList<>(kernels), CommitCohort.render(pc), CommitCohort.render(kc), variants.size(),
                    named));
        }
        out.sort(Comparator.comparing((RunRow r) -> instant(r.date())).thenComparing(RunRow::runId));
        return out;
    }

    /** The values present per dimension (and {@code test}), sorted, with how many trials have each. */
    public static Map<String, Map<String, Integer>> values(List<Trial> pool) {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        out.put(TrialFilter.TEST, new TreeMap<>());
        for (Dimension d : Dimension.values()) {
            out.put(d.key(), new TreeMap<>());
        }
        for (Trial t : pool) {
            out.get(TrialFilter.TEST).merge(t.testName(), 1, Integer::sum);
            for (Dimension d : Dimension.values()) {
                out.get(d.key()).merge(t.dim(d), 1, Integer::sum);
            }
        }
        return out;
    }

    /** A listed date as an instant, for ordering (EPOCH when it is not ISO 8601). */
    static java.time.Instant instant(String date) {
        try {
            return java.time.Instant.parse(date);
        } catch (RuntimeException e) {
            return java.time.Instant.EPOCH;
        }
    }
}
