package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.pipeline.scenario.CpusetResolver.ResolvedAffinity;
import io.ktstr4j.schemas.plan.CgroupDef;
import io.ktstr4j.schemas.plan.HoldSpec;
import io.ktstr4j.schemas.plan.MemPolicy;
import io.ktstr4j.schemas.plan.MpolFlag;
import io.ktstr4j.schemas.plan.Op;
import io.ktstr4j.schemas.plan.Phase;
import io.ktstr4j.schemas.plan.SchedPolicy;
import io.ktstr4j.schemas.plan.Step;
import io.ktstr4j.schemas.plan.Work;
import io.ktstr4j.schemas.plan.WorkType;
import java.util.List;
import java.util.Locale;

/**
 * Compiles a {@link ValidatedPlan} into the guest agent's line format, {@code ktstr4j-plan v1} (docs/scenarios.md):
 * everything the agent needs is spelled out (CPU lists instead of CpusetSpecs, placements instead of AffinityKinds,
 * every work parameter and worker count), so the C parser needs no topology and no defaults of its own.
 */
public final class AgentPlanWriter {
    public static final String HEADER = "ktstr4j-plan v1";
    /** Where payload names without a leading '/' live in the initramfs. */
    public static final String PAYLOAD_DIR = "/payloads/";

    private final long watchdogMs;
    private final long stopDeadlineMs;

    /** ktstr's numbers: the work-conservation watchdog fires after 2 s, workers get 5 s to report. */
    public AgentPlanWriter() {
        this(2000, 5000);
    }

    /** @param watchdogMs gap after which a worker signals the scheduler (0 = never) */
    public AgentPlanWriter(long watchdogMs, long stopDeadlineMs) {
        if (watchdogMs < 0) throw new IllegalArgumentException("watchdog_ms " + watchdogMs + " is negative");
        if (stopDeadlineMs < 1) throw new IllegalArgumentException("stop_deadline_ms " + stopDeadlineMs + " must be >= 1");
        this.watchdogMs = watchdogMs;
        this.stopDeadlineMs = stopDeadlineMs;
    }

    public String write(ValidatedPlan vp) {
        StringBuilder sb = new StringBuilder();
        sb.append(HEADER).append('\n');
        sb.append("name ").append(vp.plan().name().replaceAll("[\\s=]", "_")).append('\n');
        sb.append("duration_ms ").append(vp.durationMs()).append('\n');
        sb.append("cpus ").append(CpuList.format(new CpusetResolver(vp.topology()).allCpus())).append('\n');
        sb.append("workers_default ").append(vp.workersPerCgroup()).append('\n');
        sb.append("watchdog_ms ").append(watchdogMs).append('\n');
        sb.append("stop_deadline_ms ").append(stopDeadlineMs).append('\n');
        if (!vp.plan().backdrop().isEmpty()) {
            sb.append("backdrop\n");
            for (int i = 0; i < vp.plan().backdrop().size(); i++)
                def(sb, vp, "backdrop[" + i + "]", vp.plan().backdrop().get(i));
        }
        for (int s = 0; s < vp.plan().steps().size(); s++) {
            Step step = vp.plan().steps().get(s);
            sb.append("step index=").append(s).append(' ').append(hold(step.hold())).append('\n');
            for (int i = 0; i < step.setup().size(); i++)
                def(sb, vp, "steps[" + s + "].setup[" + i + "]", step.setup().get(i));
            for (int o = 0; o < step.ops().size(); o++)
                op(sb, vp, "steps[" + s + "].ops[" + o + "]", step.ops().get(o));
        }
        sb.append("end\n");
        return sb.toString();
    }

    static String hold(HoldSpec h) {
        if (h instanceof HoldSpec.Frac f) return "hold=frac:" + num(f.frac());
        if (h instanceof HoldSpec.Fixed x) return "hold=fixed:" + x.ms();
        if (h instanceof HoldSpec.Loop l) return "hold=loop:" + l.intervalMs();
        throw new IllegalArgumentException("unsupported hold " + h);
    }

    private static String num(double d) {
        String s = String.format(Locale.ROOT, "%.6f", d);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }

    private void def(StringBuilder sb, ValidatedPlan vp, String path, CgroupDef d) {
        sb.append("cgroup ").append(d.name());
        List<Integer> cpus = vp.cpusets().get(path);
        if (cpus != null) sb.append(" cpus=").append(CpuList.format(cpus));
        work(sb, vp, path, d.work());
        sb.append('\n');
    }

    private void work(StringBuilder sb, ValidatedPlan vp, String path, Work w) {
        Integer n = vp.workers().get(path);
        sb.append(" workers=").append(n != null ? n : w.workers() != null ? w.workers() : vp.workersPerCgroup());
        sb.append(" work=").append(w.workType().pascalName()).append(params(w.workType()));
        sb.append(" policy=").append(policy(w.schedPolicy()));
        ResolvedAffinity a = vp.affinities().get(path);
        sb.append(" affinity=").append(a == null ? "inherit" : a.agentText());
        sb.append(" mempolicy=").append(memPolicy(w.memPolicy()));
        int flags = MpolFlag.bits(w.mpolFlags());
        if (flags != 0) sb.append(" mpol_flags=").append(flags);
    }

    /** Every parameter of the type, with the record's defaults already applied. */
    static String params(WorkType t) {
        if (t instanceof WorkType.Bursty b) return " burst_ms=" + b.burstMs() + " sleep_ms=" + b.sleepMs();
        if (t instanceof WorkType.PipeIo p) return " burst_iters=" + p.burstIters();
        if (t instanceof WorkType.FutexPingPong f) return " spin_iters=" + f.spinIters();
        if (t instanceof WorkType.CachePressure c) return " size_kb=" + c.sizeKb() + " stride=" + c.stride();
        if (t instanceof WorkType.CacheYield c) return " size_kb=" + c.sizeKb() + " stride=" + c.stride();
        if (t instanceof WorkType.CachePipe c) return " size_kb=" + c.sizeKb() + " burst_iters=" + c.burstIters();
        if (t instanceof WorkType.FutexFanOut f) return " fan_out=" + f.fanOut() + " spin_iters=" + f.spinIters();
        if (t instanceof WorkType.FanOutCompute f)
            return " fan_out=" + f.fanOut() + " cache_footprint_kb=" + f.cacheFootprintKb() + " operations="
                    + f.operations() + " sleep_usec=" + f.sleepUsec();
        if (t instanceof WorkType.Sequence s) {
            StringBuilder sb = new StringBuilder(" phases=");
            for (int i = 0; i < s.phases().size(); i++) {
                Phase p = s.phases().get(i);
                if (i > 0) sb.append(',');
                sb.append(p.kind().name().toLowerCase(Locale.ROOT)).append(':').append(p.ms()).append("ms");
            }
            return sb.toString();
        }
        if (t instanceof WorkType.AffinityChurn a) return " spin_iters=" + a.spinIters();
        if (t instanceof WorkType.PolicyChurn p) return " spin_iters=" + p.spinIters();
        if (t instanceof WorkType.PageFaultChurn p)
            return " region_kb=" + p.regionKb() + " touches_per_cycle=" + p.touchesPerCycle() + " spin_iters="
                    + p.spinIters();
        if (t instanceof WorkType.MutexContention m)
            return " contenders=" + m.contenders() + " hold_iters=" + m.holdIters() + " work_iters=" + m.workIters();
        return "";
    }

    static String policy(SchedPolicy p) {
        if (p instanceof SchedPolicy.Batch) return "batch";
        if (p instanceof SchedPolicy.Idle) return "idle";
        if (p instanceof SchedPolicy.Fifo f) return "fifo:" + f.priority();
        if (p instanceof SchedPolicy.RoundRobin r) return "rr:" + r.priority();
        return "normal";
    }

    static String memPolicy(MemPolicy m) {
        if (m instanceof MemPolicy.Bind) return "bind:" + CpuList.format(m.nodes());
        if (m instanceof MemPolicy.Preferred) return "preferred:" + CpuList.format(m.nodes());
        if (m instanceof MemPolicy.Interleave) return "interleave:" + CpuList.format(m.nodes());
        if (m instanceof MemPolicy.Local) return "local";
        if (m instanceof MemPolicy.PreferredMany) return "preferred_many:" + CpuList.format(m.nodes());
        if (m instanceof MemPolicy.WeightedInterleave) return "weighted_interleave:" + CpuList.format(m.nodes());
        return "default";
    }

    private void op(StringBuilder sb, ValidatedPlan vp, String path, Op op) {
        sb.append("op ").append(op.kind().jsonName());
        if (op instanceof Op.AddCgroup a) {
            sb.append(" name=").append(a.name());
        } else if (op instanceof Op.RemoveCgroup r) {
            sb.append(" cgroup=").append(r.cgroup());
        } else if (op instanceof Op.SetCpuset s) {
            sb.append(" cgroup=").append(s.cgroup()).append(" cpus=").append(CpuList.format(vp.cpusets().get(path)));
        } else if (op instanceof Op.ClearCpuset c) {
            sb.append(" cgroup=").append(c.cgroup());
        } else if (op instanceof Op.SwapCpusets sw) {
            sb.append(" a=").append(sw.a()).append(" b=").append(sw.b());
        } else if (op instanceof Op.Spawn sp) {
            sb.append(" cgroup=").append(sp.cgroup());
            work(sb, vp, path, sp.work());
        } else if (op instanceof Op.StopCgroup st) {
            sb.append(" cgroup=").append(st.cgroup());
        } else if (op instanceof Op.SetAffinity sa) {
            ResolvedAffinity a = vp.affinities().get(path);
            sb.append(" cgroup=").append(sa.cgroup()).append(" affinity=").append(a == null ? "inherit" : a.agentText());
        } else if (op instanceof Op.SpawnHost sh) {
            work(sb, vp, path, sh.work());
        } else if (op instanceof Op.MoveAllTasks m) {
            sb.append(" from=").append(m.from()).append(" to=").append(m.to());
        } else if (op instanceof Op.RunPayload rp) {
            sb.append(" name=").append(rp.payload()).append(" exe=").append(payloadPath(rp.payload()));
            if (rp.cgroup() != null) sb.append(" cgroup=").append(rp.cgroup());
            if (!rp.args().isEmpty()) sb.append(" -- ").append(String.join(" ", rp.args()));
        } else if (op instanceof Op.WaitPayload w) {
            sb.append(" name=").append(w.name());
            if (w.cgroup() != null) sb.append(" cgroup=").append(w.cgroup());
        } else if (op instanceof Op.KillPayload k) {
            sb.append(" name=").append(k.name());
            if (k.cgroup() != null) sb.append(" cgroup=").append(k.cgroup());
        }
        sb.append('\n');
    }

    /** A payload's path in the guest: absolute names as given, others under {@value #PAYLOAD_DIR}. */
    public static String payloadPath(String payload) {
        return payload.startsWith("/") ? payload : PAYLOAD_DIR + payload;
    }
}
