package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.pipeline.scenario.CpusetResolver.ResolvedAffinity;
import io.ktstr4j.schemas.plan.CgroupDef;
import io.ktstr4j.schemas.plan.Op;
import io.ktstr4j.schemas.plan.Step;
import io.ktstr4j.schemas.plan.Work;
import io.ktstr4j.vmm.plan.AgentOp;
import io.ktstr4j.vmm.plan.AgentScenario.Cgroup;
import io.ktstr4j.vmm.plan.AgentScenario.Placement;
import io.ktstr4j.vmm.plan.AgentScenario;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a {@link ValidatedPlan} into the agent's scenario ({@link AgentScenario}, written as
 * {@code ktstr4j-plan v1} by {@code AgentPlanWriter}): CPU lists instead of CpusetSpecs, placements instead of
 * AffinityKinds, every worker count, so the agent needs no topology and no defaults of its own.
 */
public final class AgentPlanCompiler {

    private final long watchdogMs;
    private final long stopDeadlineMs;

    /** ktstr's numbers: the work-conservation watchdog fires after 2 s, workers get 5 s to report. */
    public AgentPlanCompiler() {
        this(2000, 5000);
    }

    /** @param watchdogMs gap after which a worker signals the scheduler (0 = never) */
    public AgentPlanCompiler(long watchdogMs, long stopDeadlineMs) {
        if (watchdogMs < 0) throw new IllegalArgumentException("watchdog_ms " + watchdogMs + " is negative");
        if (stopDeadlineMs < 1) throw new IllegalArgumentException("stop_deadline_ms " + stopDeadlineMs + " must be >= 1");
        this.watchdogMs = watchdogMs;
        this.stopDeadlineMs = stopDeadlineMs;
    }

    public AgentScenario compile(ValidatedPlan vp) {
        AgentScenario.Builder b = AgentScenario.builder(vp.plan().name(), vp.durationMs(),
                        new CpusetResolver(vp.topology()).allCpus())
                .workersDefault(vp.workersPerCgroup()).watchdogMs(watchdogMs).stopDeadlineMs(stopDeadlineMs);
        for (int i = 0; i < vp.plan().backdrop().size(); i++) {
            b.backdrop(cgroup(vp, "backdrop[" + i + "]", vp.plan().backdrop().get(i)));
        }
        for (int s = 0; s < vp.plan().steps().size(); s++) {
            Step step = vp.plan().steps().get(s);
            List<Cgroup> setup = new ArrayList<>();
            for (int i = 0; i < step.setup().size(); i++)
                setup.add(cgroup(vp, "steps[" + s + "].setup[" + i + "]", step.setup().get(i)));
            List<AgentOp> ops = new ArrayList<>();
            for (int o = 0; o < step.ops().size(); o++)
                ops.add(op(vp, "steps[" + s + "].ops[" + o + "]", step.ops().get(o)));
            b.step(step.hold(), setup, ops);
        }
        return b.build();
    }

    private static Cgroup cgroup(ValidatedPlan vp, String path, CgroupDef d) {
        return new Cgroup(d.name(), vp.cpusets().get(path), work(vp, path, d.work()));
    }

    private static AgentScenario.Work work(ValidatedPlan vp, String path, Work w) {
        Integer n = vp.workers().get(path);
        int workers = n != null ? n : w.workers() != null ? w.workers() : vp.workersPerCgroup();
        return new AgentScenario.Work(workers, w.workType(), w.schedPolicy(), placement(vp, path), w.memPolicy(),
                w.mpolFlags());
    }

    private static Placement placement(ValidatedPlan vp, String path) {
        ResolvedAffinity a = vp.affinities().get(path);
        return a == null ? Placement.INHERIT
                : new Placement(Placement.Mode.valueOf(a.mode().name()), a.cpus(), a.count());
    }

    private static AgentOp op(ValidatedPlan vp, String path, Op op) {
        if (op instanceof Op.AddCgroup a) return new AgentOp.AddCgroup(a.name());
        if (op instanceof Op.RemoveCgroup r) return new AgentOp.RemoveCgroup(r.cgroup());
        if (op instanceof Op.SetCpuset s) return new AgentOp.SetCpuset(s.cgroup(), vp.cpusets().get(path));
        if (op instanceof Op.ClearCpuset c) return new AgentOp.ClearCpuset(c.cgroup());
        if (op instanceof Op.SwapCpusets sw) return new AgentOp.SwapCpusets(sw.a(), sw.b());
        if (op instanceof Op.Spawn sp) return new AgentOp.Spawn(sp.cgroup(), work(vp, path, sp.work()));
        if (op instanceof Op.StopCgroup st) return new AgentOp.StopCgroup(st.cgroup());
        if (op instanceof Op.SetAffinity sa) return new AgentOp.SetAffinity(sa.cgroup(), placement(vp, path));
        if (op instanceof Op.SpawnHost sh) return new AgentOp.SpawnHost(work(vp, path, sh.work()));
        if (op instanceof Op.MoveAllTasks m) return new AgentOp.MoveAllTasks(m.from(), m.to());
        if (op instanceof Op.RunPayload rp) return AgentOp.RunPayload.of(rp.payload(), rp.cgroup(), rp.args());
        if (op instanceof Op.WaitPayload w) return new AgentOp.WaitPayload(w.name(), w.cgroup());
        if (op instanceof Op.KillPayload k) return new AgentOp.KillPayload(k.name(), k.cgroup());
        throw new IllegalArgumentException("unsupported op " + op);
    }
}
