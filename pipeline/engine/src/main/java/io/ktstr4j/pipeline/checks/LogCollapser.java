package io.ktstr4j.pipeline.checks;

import java.util.ArrayList;
import java.util.List;

/**
 * Collapses repeated cycles of lines in a scheduler log, the way ktstr shortens its "scheduler log" section:
 * a block of at least {@code minPeriod} lines repeated at least {@code minRepetitions} times in a row is kept once,
 * followed by a marker line. Several passes catch cycles that only show up after inner ones collapsed.
 */
public final class LogCollapser {

    public static final int DEFAULT_MIN_PERIOD = 5;
    public static final int DEFAULT_MIN_REPETITIONS = 3;
    public static final int DEFAULT_MAX_PASSES = 5;
    /** Search is quadratic in the worst case; beyond this the tail is what matters for a failure anyway. */
    public static final int MAX_INPUT_LINES = 4000;

    private final int minPeriod;
    private final int minRepetitions;
    private final int maxPasses;

    public LogCollapser() {
        this(DEFAULT_MIN_PERIOD, DEFAULT_MIN_REPETITIONS, DEFAULT_MAX_PASSES);
    }

    public LogCollapser(int minPeriod, int minRepetitions, int maxPasses) {
        if (minPeriod < 1 || minRepetitions < 2 || maxPasses < 1) {
            throw new IllegalArgumentException("log collapse: minPeriod >= 1, minRepetitions >= 2, maxPasses >= 1 expected");
        }
        this.minPeriod = minPeriod;
        this.minRepetitions = minRepetitions;
        this.maxPasses = maxPasses;
    }

    /** Marker written after the one kept copy of a cycle. */
    public static String marker(int period, int repetitions) {
        return "[... previous " + period + " lines repeated " + repetitions + " times in total ...]";
    }

    public List<String> collapse(List<String> input) {
        List<String> lines = input.size() > MAX_INPUT_LINES
                ? new ArrayList<>(input.subList(input.size() - MAX_INPUT_LINES, input.size()))
                : new ArrayList<>(input);
        for (int pass = 0; pass < maxPasses; pass++) {
            List<String> next = onePass(lines);
            if (next.size() == lines.size()) {
                return next;
            }
            lines = next;
        }
        return lines;
    }

    private List<String> onePass(List<String> lines) {
        int n = lines.size();
        List<String> out = new ArrayList<>(n);
        int i = 0;
        while (i < n) {
            int bestPeriod = 0;
            int bestReps = 0;
            for (int p = minPeriod; i + p * minRepetitions <= n; p++) {
                int reps = 1;
                while (i + (reps + 1) * p <= n && sameBlock(lines, i, i + reps * p, p)) {
                    reps++;
                }
                if (reps >= minRepetitions && (long) p * reps > (long) bestPeriod * bestReps) {
                    bestPeriod = p;
                    bestReps = reps;
                }
            }
            if (bestReps > 0) {
                out.addAll(lines.subList(i, i + bestPeriod));
                out.add(marker(bestPeriod, bestReps));
                i += bestPeriod * bestReps;
            } else {
                out.add(lines.get(i));
                i++;
            }
        }
        return out;
    }

    private static boolean sameBlock(List<String> lines, int a, int b, int len) {
        for (int k = 0; k < len; k++) {
            if (!lines.get(a + k).equals(lines.get(b + k))) {
                return false;
            }
        }
        return true;
    }
}
