package io.ktstr4j.vmm.plan;

import io.ktstr4j.schemas.plan.HoldSpec;
import io.ktstr4j.schemas.plan.MemPolicy;
import io.ktstr4j.schemas.plan.MpolFlag;
import io.ktstr4j.schemas.plan.Phase;
import io.ktstr4j.schemas.plan.SchedPolicy;
import io.ktstr4j.schemas.plan.WorkType;
import io.ktstr4j.vmm.plan.AgentScenario.Cgroup;
import io.ktstr4j.vmm.plan.AgentScenario.Placement;
import io.ktstr4j.vmm.plan.AgentScenario.Step;
import io.ktstr4j.vmm.plan.AgentScenario.Work;
import java.util.Locale;

/**
 * The host's codec of the agent's plan text, {@code ktstr4j-plan v1} (docs/scenarios.md, "The agent's plan text"):
 * the only Java code that spells it. Its reader is the agent's {@code scenario/sc_plan.c}; change both together.
 */
public final class AgentPlanWriter {
    /** Every plan file starts with this and its kind. */
    public static final String MAGIC = "ktstr4j-plan ";
    public static final String HEADER = MAGIC + "v1";

    private AgentPlanWriter() {
    }

    public static String write(AgentScenario p) {
        StringBuilder sb = new StringBuilder();
        sb.append(HEADER).append('\n');
        // The agent splits on blanks and '=': a name holding them would not parse.
        sb.append("name ").append(p.name().replaceAll("[\\s=]", "_")).append('\n');
        sb.append("duration_ms ").append(p.durationMs()).append('\n');
        sb.append("cpus ").append(CpuList.format(p.cpus())).append('\n');
        sb.append("workers_default ").append(p.workersDefault()).append('\n');
        sb.append("watchdog_ms ").append(p.watchdogMs()).append('\n');
        sb.append("stop_deadline_ms ").append(p.stopDeadlineMs()).append('\n');
        if (!p.backdrop().isEmpty()) {
            sb.append("backdrop\n");
            p.backdrop().forEach(c -> cgroup(sb, c));
        }
        for (Step step : p.steps()) {
            sb.append("step index=").append(step.index()).append(' ').append(hold(step.hold())).append('\n');
            step.setup().forEach(c -> cgroup(sb, c));
            step.ops().forEach(o -> op(sb, o));
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

    private static void cgroup(StringBuilder sb, Cgroup c) {
        sb.append("cgroup ").append(c.name());
        if (c.cpus() != null) sb.append(" cpus=").append(CpuList.format(c.cpus()));
        work(sb, c.work());
        sb.append('\n');
    }

    private static void work(StringBuilder sb, Work w) {
        sb.append(" workers=").append(w.workers());
        sb.append(" work=").append(w.type().pascalName()).append(params(w.type()));
        sb.append(" policy=").append(policy(w.policy()));
        sb.append(" affinity=").append(placement(w.affinity()));
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

    /** {@code inherit}, {@code fixed:0-3}, {@code random:0-3/2}. */
    static String placement(Placement a) {
        return switch (a.mode()) {
            case INHERIT -> "inherit";
            case FIXED -> "fixed:" + CpuList.format(a.cpus());
            case RANDOM -> "random:" + CpuList.format(a.cpus()) + "/" + a.count();
        };
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

    private static void op(StringBuilder sb, AgentOp op) {
        sb.append("op ");
        if (op instanceof AgentOp.AddCgroup a) {
            sb.append("add_cgroup name=").append(a.name());
        } else if (op instanceof AgentOp.RemoveCgroup r) {
            sb.append("remove_cgroup cgroup=").append(r.cgroup());
        } else if (op instanceof AgentOp.SetCpuset s) {
            sb.append("set_cpuset cgroup=").append(s.cgroup()).append(" cpus=").append(CpuList.format(s.cpus()));
        } else if (op instanceof AgentOp.ClearCpuset c) {
            sb.append("clear_cpuset cgroup=").append(c.cgroup());
        } else if (op instanceof AgentOp.SwapCpusets sw) {
            sb.append("swap_cpusets a=").append(sw.a()).append(" b=").append(sw.b());
        } else if (op instanceof AgentOp.Spawn sp) {
            sb.append("spawn cgroup=").append(sp.cgroup());
            work(sb, sp.work());
        } else if (op instanceof AgentOp.StopCgroup st) {
            sb.append("stop_cgroup cgroup=").append(st.cgroup());
        } else if (op instanceof AgentOp.SetAffinity sa) {
            sb.append("set_affinity cgroup=").append(sa.cgroup()).append(" affinity=").append(placement(sa.affinity()));
        } else if (op instanceof AgentOp.SpawnHost sh) {
            sb.append("spawn_host");
            work(sb, sh.work());
        } else if (op instanceof AgentOp.MoveAllTasks m) {
            sb.append("move_all_tasks from=").append(m.from()).append(" to=").append(m.to());
        } else if (op instanceof AgentOp.RunPayload rp) {
            sb.append("run_payload name=").append(rp.name()).append(" exe=").append(rp.exe());
            if (rp.cgroup() != null) sb.append(" cgroup=").append(rp.cgroup());
            // Everything after " -- " is the payload's argv, not fields.
            if (!rp.args().isEmpty()) sb.append(" -- ").append(String.join(" ", rp.args()));
        } else if (op instanceof AgentOp.WaitPayload w) {
            sb.append("wait_payload name=").append(w.name());
            if (w.cgroup() != null) sb.append(" cgroup=").append(w.cgroup());
        } else if (op instanceof AgentOp.KillPayload k) {
            sb.append("kill_payload name=").append(k.name());
            if (k.cgroup() != null) sb.append(" cgroup=").append(k.cgroup());
        }
        sb.append('\n');
    }
}
