package io.ktstr4j.pipeline.scenario;

import java.util.List;

/**
 * A plan that cannot run on the chosen topology. Each problem names the plan path of the bad field, e.g.
 * {@code steps[1].setup[0].workers: 3 is odd; PipeIo pairs workers}; the message lists them all.
 */
public final class PlanValidationException extends RuntimeException {
    private final List<String> problems;

    public PlanValidationException(String planName, String topology, List<String> problems) {
        super("plan '" + planName + "' on " + topology + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
