package io.ktstr4j.pipeline.scenario;

/**
 * What a plan leaves to the test: the scenario duration when the plan has none, and the worker count of cgroups
 * that give none. ktstr's defaults: 2 s and 2 workers per cgroup.
 */
public record PlanDefaults(long durationMs, int workersPerCgroup) {
    public static final PlanDefaults KTSTR = new PlanDefaults(2000, 2);

    public PlanDefaults {
        if (durationMs < 1) throw new IllegalArgumentException("duration_ms " + durationMs + " must be at least 1");
        if (workersPerCgroup < 1)
            throw new IllegalArgumentException("workers_per_cgroup " + workersPerCgroup + " must be at least 1");
    }
}
