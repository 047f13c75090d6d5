package io.ktstr4j.pipeline.checks;

import java.util.List;
import java.util.Set;

/**
 * The workers of one cgroup plus what the host knows about where they were meant to run.
 *
 * @param cpuset     CPUs the cgroup was confined to (empty = unknown / not confined; isolation then cannot be checked)
 * @param localNodes NUMA nodes of the cpuset (for page locality; empty = unknown)
 * @param slowNodes  memory-only (slow tier) NUMA nodes of the topology
 */
public record CgroupReports(String cgroup, List<WorkerSample> workers, Set<Integer> cpuset,
                            Set<Integer> localNodes, Set<Integer> slowNodes) {
    public CgroupReports {
        workers = List.copyOf(workers);
        cpuset = cpuset == null ? Set.of() : Set.copyOf(cpuset);
        localNodes = localNodes == null ? Set.of() : Set.copyOf(localNodes);
        slowNodes = slowNodes == null ? Set.of() : Set.copyOf(slowNodes);
    }

    public static CgroupReports of(String cgroup, List<WorkerSample> workers) {
        return new CgroupReports(cgroup, workers, Set.of(), Set.of(), Set.of());
    }
}
