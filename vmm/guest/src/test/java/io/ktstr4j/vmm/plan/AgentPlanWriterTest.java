package io.ktstr4j.vmm.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.plan.HoldSpec;
import io.ktstr4j.schemas.plan.MemPolicy;
import io.ktstr4j.schemas.plan.MpolFlag;
import io.ktstr4j.schemas.plan.SchedPolicy;
import io.ktstr4j.schemas.plan.WorkType;
import io.ktstr4j.vmm.plan.AgentScenario.Cgroup;
import io.ktstr4j.vmm.plan.AgentScenario.Placement;
import io.ktstr4j.vmm.plan.AgentScenario.Work;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text itself; pipeline's AgentPlanCompilerTest holds the golden plan compiled from a scenario. */
class AgentPlanWriterTest {

    static Work work(int n, WorkType t) {
        return new Work(n, t, null, null, null, null);
    }

    @Test
    void writesEveryLineKindInTheAgentsOrder() {
        AgentScenario p = AgentScenario.builder("two words=x", 900, List.of(0, 1, 2, 3, 5))
                .workersDefault(3).watchdogMs(0).stopDeadlineMs(1000)
                .backdrop(new Cgroup("bd", List.of(0, 1), new Work(2, new WorkType.PipeIo(null),
                        new SchedPolicy.RoundRobin(5), new Placement(Placement.Mode.FIXED, List.of(0), 1),
                        new MemPolicy.Interleave(List.of(0, 1)), List.of(MpolFlag.STATIC_NODES))))
                .step(new HoldSpec.Frac(0.5), List.of(new Cgroup("s", null, work(1, new WorkType.CpuSpin()))),
                        List.of(new AgentOp.AddCgroup("x"), new AgentOp.SetCpuset("x", List.of(2, 3)),
                                new AgentOp.Spawn("x", work(1, new WorkType.CpuSpin())),
                                new AgentOp.SetAffinity("x", new Placement(Placement.Mode.RANDOM, List.of(2, 3), 1)),
                                new AgentOp.ClearCpuset("x"), new AgentOp.SwapCpusets("bd", "x"),
                                new AgentOp.MoveAllTasks("x", "bd"), new AgentOp.StopCgroup("x"),
                                new AgentOp.RemoveCgroup("x")))
                .step(new HoldSpec.Loop(50), List.of(),
                        List.of(new AgentOp.SpawnHost(work(1, new WorkType.CpuSpin())),
                                AgentOp.RunPayload.of("p", "bd", List.of("-a", "b=c")),
                                new AgentOp.WaitPayload("p", "bd"), new AgentOp.KillPayload("p", null)))
                .build();
        assertThat(p.text()).isEqualTo("""
                ktstr4j-plan v1
                name two_words_x
                duration_ms 900
                cpus 0-3,5
                workers_default 3
                watchdog_ms 0
                stop_deadline_ms 1000
                backdrop
                cgroup bd cpus=0-1 workers=2 work=PipeIo burst_iters=1024 policy=rr:5 affinity=fixed:0 mempolicy=interleave:0-1 mpol_flags=32768
                step index=0 hold=frac:0.5
                cgroup s workers=1 work=CpuSpin policy=normal affinity=inherit mempolicy=default
                op add_cgroup name=x
                op set_cpuset cgroup=x cpus=2-3
                op spawn cgroup=x workers=1 work=CpuSpin policy=normal affinity=inherit mempolicy=default
                op set_affinity cgroup=x affinity=random:2-3/1
                op clear_cpuset cgroup=x
                op swap_cpusets a=bd b=x
                op move_all_tasks from=x to=bd
                op stop_cgroup cgroup=x
                op remove_cgroup cgroup=x
                step index=1 hold=loop:50
                op spawn_host workers=1 work=CpuSpin policy=normal affinity=inherit mempolicy=default
                op run_payload name=p exe=/payloads/p cgroup=bd -- -a b=c
                op wait_payload name=p cgroup=bd
                op kill_payload name=p
                end
                """);
    }

    @Test
    void aRawPlanIsBootedAsWrittenButMustNameItsKind() {
        assertThat(new RawAgentPlan("ktstr4j-plan trivial\nsleep_ms 1\n").text())
                .isEqualTo("ktstr4j-plan trivial\nsleep_ms 1\n");
        assertThatThrownBy(() -> new RawAgentPlan("sleep_ms 1\n")).hasMessageContaining("ktstr4j-plan <kind>");
    }
}
