package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.schemas.plan.AffinityKind;
import io.ktstr4j.schemas.plan.CgroupDef;
import io.ktstr4j.schemas.plan.CpusetSpec;
import io.ktstr4j.schemas.plan.HoldSpec;
import io.ktstr4j.schemas.plan.Op;
import io.ktstr4j.schemas.plan.Step;
import io.ktstr4j.schemas.plan.Work;
import java.util.ArrayList;
import java.util.List;

/**
 * Fluent {@link Step}: ops run first (in order), then the setup cgroups are created, then the step holds.
 * {@code step().setCpuset("cg_0", Cpusets.disjoint(0, 2)).holdFrac(0.5)}.
 */
public final class StepBuilder {
    private final List<CgroupDef> setup = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();
    private HoldSpec hold = HoldSpec.FULL;

    private StepBuilder() {}

    public static StepBuilder step() {
        return new StepBuilder();
    }

    public StepBuilder setup(CgroupBuilder... defs) {
        for (CgroupBuilder d : defs) setup.add(d.build());
        return this;
    }

    public StepBuilder setup(CgroupDef... defs) {
        setup.addAll(List.of(defs));
        return this;
    }

    public StepBuilder op(Op op) {
        ops.add(op);
        return this;
    }

    public StepBuilder addCgroup(String name) {
        return op(new Op.AddCgroup(name));
    }

    public StepBuilder removeCgroup(String cgroup) {
        return op(new Op.RemoveCgroup(cgroup));
    }

    public StepBuilder setCpuset(String cgroup, CpusetSpec spec) {
        return op(new Op.SetCpuset(cgroup, spec));
    }

    public StepBuilder clearCpuset(String cgroup) {
        return op(new Op.ClearCpuset(cgroup));
    }

    public StepBuilder swapCpusets(String a, String b) {
        return op(new Op.SwapCpusets(a, b));
    }

    public StepBuilder spawn(String cgroup, Work work) {
        return op(new Op.Spawn(cgroup, work));
    }

    public StepBuilder stopCgroup(String cgroup) {
        return op(new Op.StopCgroup(cgroup));
    }

    public StepBuilder setAffinity(String cgroup, AffinityKind kind) {
        return op(new Op.SetAffinity(cgroup, kind));
    }

    public StepBuilder spawnHost(Work work) {
        return op(new Op.SpawnHost(work));
    }

    public StepBuilder moveAllTasks(String from, String to) {
        return op(new Op.MoveAllTasks(from, to));
    }

    public StepBuilder runPayload(String payload, List<String> args, String cgroup) {
        return op(new Op.RunPayload(payload, args, cgroup));
    }

    public StepBuilder waitPayload(String name) {
        return op(new Op.WaitPayload(name, null));
    }

    public StepBuilder killPayload(String name) {
        return op(new Op.KillPayload(name, null));
    }

    /** Hold for a fraction (0, 1] of the scenario duration. */
    public StepBuilder holdFrac(double frac) {
        this.hold = new HoldSpec.Frac(frac);
        return this;
    }

    public StepBuilder holdMs(long ms) {
        this.hold = new HoldSpec.Fixed(ms);
        return this;
    }

    /** Repeat the ops every {@code intervalMs} until the scenario time runs out. */
    public StepBuilder loopEveryMs(long intervalMs) {
        this.hold = new HoldSpec.Loop(intervalMs);
        return this;
    }

    public Step build() {
        return new Step(setup, ops, hold);
    }
}
