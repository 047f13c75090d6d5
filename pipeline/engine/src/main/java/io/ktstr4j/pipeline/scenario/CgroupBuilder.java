package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.schemas.plan.AffinityKind;
import io.ktstr4j.schemas.plan.CgroupDef;
import io.ktstr4j.schemas.plan.CpusetSpec;
import io.ktstr4j.schemas.plan.MemPolicy;
import io.ktstr4j.schemas.plan.MpolFlag;
import io.ktstr4j.schemas.plan.SchedPolicy;
import io.ktstr4j.schemas.plan.WorkType;
import java.util.List;

/**
 * Fluent {@link CgroupDef}: {@code cgroup("cg_0").cpuset(Cpusets.llc(0)).workers(4).work(new WorkType.Mixed())}.
 * Unset fields keep the record's defaults (workers: the test's workers per cgroup).
 */
public final class CgroupBuilder {
    private final String name;
    private CpusetSpec cpuset;
    private Integer workers;
    private WorkType workType;
    private SchedPolicy schedPolicy;
    private AffinityKind affinity;
    private MemPolicy memPolicy;
    private List<MpolFlag> mpolFlags = List.of();
    private boolean swappable;

    private CgroupBuilder(String name) {
        this.name = name;
    }

    public static CgroupBuilder cgroup(String name) {
        return new CgroupBuilder(name);
    }

    public CgroupBuilder cpuset(CpusetSpec spec) {
        this.cpuset = spec;
        return this;
    }

    public CgroupBuilder workers(int n) {
        this.workers = n;
        return this;
    }

    public CgroupBuilder work(WorkType type) {
        this.workType = type;
        return this;
    }

    public CgroupBuilder policy(SchedPolicy policy) {
        this.schedPolicy = policy;
        return this;
    }

    public CgroupBuilder affinity(AffinityKind kind) {
        this.affinity = kind;
        return this;
    }

    public CgroupBuilder memPolicy(MemPolicy policy, MpolFlag... flags) {
        this.memPolicy = policy;
        this.mpolFlags = List.of(flags);
        return this;
    }

    public CgroupBuilder swappable() {
        this.swappable = true;
        return this;
    }

    public CgroupDef build() {
        return new CgroupDef(name, cpuset, workers, workType, schedPolicy, affinity, memPolicy, mpolFlags, swappable);
    }
}
