package io.ktstr4j.schemas.plan;

import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * A group of identical workers (ktstr {@code Work}). Omitted fields take the defaults shown.
 *
 * @param workers      worker count; null = the test's {@code workers_per_cgroup}
 * @param workType     what they do (default {@code cpu_spin})
 * @param schedPolicy  their scheduling policy (default {@code normal})
 * @param affinity     their pinning inside the cpuset (default {@code inherit})
 * @param memPolicy    their NUMA memory policy (default {@code default})
 * @param mpolFlags    mempolicy mode flags (default none)
 */
public record Work(Integer workers, WorkType workType, SchedPolicy schedPolicy, AffinityKind affinity,
                   MemPolicy memPolicy, List<MpolFlag> mpolFlags) {
    public Work {
        if (workers != null) Validate.atLeast("workers", workers, 1);
        if (workType == null) workType = WorkType.defaultType();
        if (schedPolicy == null) schedPolicy = new SchedPolicy.Normal();
        if (affinity == null) affinity = new AffinityKind.Inherit();
        if (memPolicy == null) memPolicy = new MemPolicy.Default();
        mpolFlags = Validate.list("mpol_flags", mpolFlags).stream().distinct().sorted().toList();
    }

    /** {@code n} workers of a type, everything else default. */
    public static Work of(int n, WorkType type) {
        return new Work(n, type, null, null, null, null);
    }
}
