package io.ktstr4j.regressions;

import io.ktstr4j.schemas.verdict.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The flaky ledger's line for one variant, project commit and kernel: how many results ended in each outcome, from
 * which runs, and whether the variant was already published as flaky for them.
 *
 * @param outcomes results per outcome
 * @param runs     the distinct runs, in arrival order
 * @param flagged  an {@code analysis.flaky} was published for this line
 */
public record LedgerEntry(Map<Outcome, Integer> outcomes, List<String> runs, boolean flagged) {

    public static final LedgerEntry EMPTY = new LedgerEntry(Map.of(), List.of(), false);

    public LedgerEntry {
        EnumMap<Outcome, Integer> m = new EnumMap<>(Outcome.class);
        if (outcomes != null) {
            m.putAll(outcomes);
        }
        outcomes = Collections.unmodifiableMap(m);
        runs = runs == null ? List.of() : List.copyOf(runs);
    }

    /** The line with one more result. */
    public LedgerEntry with(Outcome outcome, String runId) {
        EnumMap<Outcome, Integer> m = new EnumMap<>(Outcome.class);
        m.putAll(outcomes);
        m.merge(outcome, 1, Integer::sum);
        List<String> r = runs;
        if (!runs.contains(runId)) {
            r = new ArrayList<>(runs);
            r.add(runId);
        }
        return new LedgerEntry(m, r, flagged);
    }

    public LedgerEntry flagged(boolean flagged) {
        return new LedgerEntry(outcomes, runs, flagged);
    }
}
