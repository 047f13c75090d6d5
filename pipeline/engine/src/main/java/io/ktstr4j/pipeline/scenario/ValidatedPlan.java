package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.pipeline.scenario.CpusetResolver.ResolvedAffinity;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.topology.Topology;
import java.util.List;
import java.util.Map;

/**
 * A plan that passed {@link PlanValidator} for one topology, with what the host resolved: the CPUs of every cpuset
 * and the placement of every worker group, keyed by plan path ({@code backdrop[0]}, {@code steps[1].setup[0]},
 * {@code steps[2].ops[0]}), and the worker count of every group.
 */
public record ValidatedPlan(ScenarioPlan plan, Topology topology, long durationMs, int workersPerCgroup,
                            Map<String, List<Integer>> cpusets, Map<String, ResolvedAffinity> affinities,
                            Map<String, Integer> workers) {
    public ValidatedPlan {
        cpusets = Map.copyOf(cpusets);
        affinities = Map.copyOf(affinities);
        workers = Map.copyOf(workers);
    }
}
