package io.ktstr4j.schemas.spec;

import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.topology.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * Which topologies a test accepts (ktstr's constraint attributes); gauntlet presets outside them are not run.
 * Omitted fields take ktstr's defaults: LLCs 1..12, CPUs 1..192, NUMA nodes 1..1, no SMT requirement.
 */
public record Constraints(Integer minLlcs, Integer maxLlcs, Integer minCpus, Integer maxCpus, Integer minNumaNodes,
                          Integer maxNumaNodes, Boolean requiresSmt) {
    public Constraints {
        minLlcs = (int) Validate.atLeast("min_llcs", minLlcs == null ? 1 : minLlcs, 1);
        maxLlcs = (int) Validate.atLeast("max_llcs", maxLlcs == null ? 12 : maxLlcs, 1);
        minCpus = (int) Validate.atLeast("min_cpus", minCpus == null ? 1 : minCpus, 1);
        maxCpus = (int) Validate.atLeast("max_cpus", maxCpus == null ? 192 : maxCpus, 1);
        minNumaNodes = (int) Validate.atLeast("min_numa_nodes", minNumaNodes == null ? 1 : minNumaNodes, 1);
        maxNumaNodes = (int) Validate.atLeast("max_numa_nodes", maxNumaNodes == null ? 1 : maxNumaNodes, 1);
        if (requiresSmt == null) requiresSmt = false;
        order("max_llcs", minLlcs, maxLlcs, "min_llcs");
        order("max_cpus", minCpus, maxCpus, "min_cpus");
        order("max_numa_nodes", minNumaNodes, maxNumaNodes, "min_numa_nodes");
    }

    public static Constraints defaults() {
        return new Constraints(null, null, null, null, null, null, null);
    }

    /** True when the topology satisfies every constraint. */
    public boolean admits(Topology t) {
        return violations(t).isEmpty();
    }

    /** Why a topology is excluded (empty when admitted). */
    public List<String> violations(Topology t) {
        List<String> v = new ArrayList<>();
        if (t.llcs() < minLlcs || t.llcs() > maxLlcs) v.add(t.llcs() + " LLCs outside [" + minLlcs + ", " + maxLlcs + "]");
        if (t.totalCpus() < minCpus || t.totalCpus() > maxCpus)
            v.add(t.totalCpus() + " CPUs outside [" + minCpus + ", " + maxCpus + "]");
        if (t.numaNodes() < minNumaNodes || t.numaNodes() > maxNumaNodes)
            v.add(t.numaNodes() + " NUMA nodes outside [" + minNumaNodes + ", " + maxNumaNodes + "]");
        if (requiresSmt && !t.hasSmt()) v.add("no SMT but the test requires it");
        return v;
    }

    private static void order(String field, int min, int max, String minField) {
        if (max < min) throw new InvalidFieldException(field, max + " is below " + minField + " (" + min + ")");
    }
}
