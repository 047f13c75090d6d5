package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.schemas.plan.AffinityKind;
import io.ktstr4j.schemas.plan.CpusetSpec;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.plan.CpuList;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Resolves a {@link CpusetSpec} to the CPUs of a {@link Topology}, on the host, before boot (ktstr's
 * {@code CpusetSpec::resolve}). Fractional specs (Range, Disjoint, Overlap) partition the usable CPUs: every CPU but
 * the last when there are more than 2, which stays with the root cgroup. Llc and Numa take the whole LLC/node; Exact
 * takes its CPUs as given, which must exist.
 */
public final class CpusetResolver {
    private final Topology topology;
    private final List<Integer> all;
    private final List<Integer> usable;

    public CpusetResolver(Topology topology) {
        this.topology = topology;
        List<Integer> cpus = new ArrayList<>();
        for (int c = 0; c < topology.totalCpus(); c++) cpus.add(c);
        this.all = List.copyOf(cpus);
        this.usable = all.size() > 2 ? all.subList(0, all.size() - 1) : all;
    }

    public Topology topology() {
        return topology;
    }

    public List<Integer> allCpus() {
        return all;
    }

    /** All CPUs but the last when there are more than 2 (that one is left to the root cgroup). */
    public List<Integer> usableCpus() {
        return usable;
    }

    /**
     * The CPUs of {@code spec}, sorted. May be empty (the validator refuses that). Throws IllegalArgumentException
     * with a reason when the spec cannot apply to this topology (LLC/node/CPU that does not exist, more partitions
     * than usable CPUs).
     */
    public List<Integer> resolve(CpusetSpec spec) {
        int n = usable.size();
        if (spec instanceof CpusetSpec.Llc l) {
            if (l.index() >= topology.llcs())
                throw new IllegalArgumentException("LLC " + l.index() + " does not exist: topology " + topology.label()
                        + " has LLCs 0.." + (topology.llcs() - 1));
            return topology.cpusOfLlc(l.index());
        }
        if (spec instanceof CpusetSpec.Numa nu) {
            if (nu.node() >= topology.numaNodes())
                throw new IllegalArgumentException("NUMA node " + nu.node() + " does not exist: topology "
                        + topology.label() + " has nodes 0.." + (topology.numaNodes() - 1));
            return topology.cpusOfNode(nu.node());
        }
        if (spec instanceof CpusetSpec.Range r) {
            int s = Math.min((int) (n * r.startFrac()), n);
            int e = Math.max(Math.min((int) (n * r.endFrac()), n), s);
            return usable.subList(s, e);
        }
        if (spec instanceof CpusetSpec.Disjoint d) {
            partitionsFit(d.of());
            int chunk = n / d.of();
            int s = d.index() * chunk;
            int e = d.index() == d.of() - 1 ? n : (d.index() + 1) * chunk;
            return usable.subList(Math.min(s, n), Math.max(Math.min(e, n), Math.min(s, n)));
        }
        if (spec instanceof CpusetSpec.Overlap o) {
            partitionsFit(o.of());
            int chunk = n / o.of();
            int overlap = (int) (chunk * o.frac());
            int s = o.index() == 0 ? 0 : Math.max(o.index() * chunk - overlap, 0);
            int e = o.index() == o.of() - 1 ? n : Math.min((o.index() + 1) * chunk + overlap, n);
            return usable.subList(Math.min(s, n), Math.max(Math.min(e, n), Math.min(s, n)));
        }
        if (spec instanceof CpusetSpec.Exact x) {
            List<Integer> missing = x.cpus().stream().filter(c -> c >= all.size()).toList();
            if (!missing.isEmpty())
                throw new IllegalArgumentException("CPU(s) " + missing + " do not exist: topology " + topology.label()
                        + " has CPUs 0.." + (all.size() - 1));
            return x.cpus();
        }
        throw new IllegalArgumentException("unsupported cpuset kind " + spec.getClass().getSimpleName());
    }

    private void partitionsFit(int of) {
        if (usable.size() < of)
            throw new IllegalArgumentException("not enough usable CPUs (" + usable.size() + " of " + all.size()
                    + " on " + topology.label() + ") for " + of + " partitions");
    }

    /** NUMA nodes that the CPUs belong to. */
    public List<Integer> nodesOf(List<Integer> cpus) {
        TreeSet<Integer> nodes = new TreeSet<>();
        for (int c : cpus) if (c < all.size()) nodes.add(topology.locate(c).node());
        return List.copyOf(nodes);
    }

    /**
     * How an {@link AffinityKind} places a cgroup's workers (ktstr's resolve_affinity_for_cgroup): {@code cpuset} is
     * the cgroup's resolved CPUs or null for none. RandomSubset stays random (the agent draws per worker).
     */
    public ResolvedAffinity resolveAffinity(AffinityKind kind, List<Integer> cpuset) {
        List<Integer> pool = cpuset == null || cpuset.isEmpty() ? all : cpuset;
        if (kind == null || kind instanceof AffinityKind.Inherit) return ResolvedAffinity.INHERIT;
        if (kind instanceof AffinityKind.RandomSubset)
            return new ResolvedAffinity(ResolvedAffinity.Mode.RANDOM, pool, Math.max(pool.size() / 2, 1));
        if (kind instanceof AffinityKind.LlcAligned) {
            List<Integer> best = List.of();
            for (int llc = 0; llc < topology.llcs(); llc++) {
                List<Integer> overlap = topology.cpusOfLlc(llc).stream().filter(pool::contains).toList();
                if (overlap.size() > best.size()) best = overlap;
            }
            return best.isEmpty() ? ResolvedAffinity.INHERIT : ResolvedAffinity.fixed(best);
        }
        if (kind instanceof AffinityKind.CrossCgroup) return ResolvedAffinity.fixed(all);
        if (kind instanceof AffinityKind.SingleCpu) return ResolvedAffinity.fixed(List.of(pool.get(0)));
        if (kind instanceof AffinityKind.Exact x) {
            List<Integer> missing = x.cpus().stream().filter(c -> c >= all.size()).toList();
            if (!missing.isEmpty())
                throw new IllegalArgumentException("affinity CPU(s) " + missing + " do not exist: topology "
                        + topology.label() + " has CPUs 0.." + (all.size() - 1));
            return ResolvedAffinity.fixed(x.cpus());
        }
        throw new IllegalArgumentException("unsupported affinity kind " + kind.getClass().getSimpleName());
    }

    /** A placement the agent applies as is: none, a fixed CPU set, or {@code count} random CPUs from a pool. */
    public record ResolvedAffinity(Mode mode, List<Integer> cpus, int count) {
        public enum Mode { INHERIT, FIXED, RANDOM }

        static final ResolvedAffinity INHERIT = new ResolvedAffinity(Mode.INHERIT, List.of(), 0);

        static ResolvedAffinity fixed(List<Integer> cpus) {
            return new ResolvedAffinity(Mode.FIXED, List.copyOf(cpus), cpus.size());
        }

        /** The agent's text: {@code inherit}, {@code fixed:0-3}, {@code random:0-3/2}. */
        public String agentText() {
            return switch (mode) {
                case INHERIT -> "inherit";
                case FIXED -> "fixed:" + CpuList.format(cpus);
                case RANDOM -> "random:" + CpuList.format(cpus) + "/" + count;
            };
        }
    }
}
