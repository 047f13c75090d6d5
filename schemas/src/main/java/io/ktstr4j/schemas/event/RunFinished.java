package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.verdict.Outcome;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The last event of a run (one {@code ktstr4j run} command), also when the command ended with an error. Its envelope
 * has the run id and no variant key. Every planned variant ({@link RunStarted#variants()}) is counted exactly once:
 * in {@code outcomes}, in {@code cancelled} or in {@code notRun}.
 *
 * @param outcomes   variants that got a verdict, counted by outcome (outcomes with no variant are absent)
 * @param cancelled  variants that started but ended without a verdict (the command failed or was interrupted)
 * @param notRun     planned variants that never started
 * @param durationMs wall time of the run, from {@code run.started}
 * @param error      why the command ended early (null when every variant ran)
 */
public record RunFinished(Map<Outcome, Integer> outcomes, List<String> cancelled, List<String> notRun,
                          long durationMs, String error) implements EventBody {
    public RunFinished {
        Map<Outcome, Integer> m = new EnumMap<>(Outcome.class);
        if (outcomes != null) {
            outcomes.forEach((k, v) -> {
                Validate.required("outcomes key", k);
                Validate.nonNegative("outcomes." + k.name(), Validate.required("outcomes." + k.name(), v));
                m.put(k, v);
            });
        }
        outcomes = Collections.unmodifiableMap(m);
        cancelled = Validate.list("cancelled", cancelled);
        notRun = Validate.list("not_run", notRun);
        Validate.nonNegative("duration_ms", durationMs);
    }

    /** Variants that got a verdict. */
    public int finished() {
        return outcomes.values().stream().mapToInt(Integer::intValue).sum();
    }
}
