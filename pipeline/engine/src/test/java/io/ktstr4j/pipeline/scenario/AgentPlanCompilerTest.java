package io.ktstr4j.pipeline.scenario;

import static io.ktstr4j.pipeline.scenario.CgroupBuilder.cgroup;
import static io.ktstr4j.pipeline.scenario.ScenarioBuilder.scenario;
import static io.ktstr4j.pipeline.scenario.StepBuilder.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.plan.AffinityKind;
import io.ktstr4j.schemas.plan.MemPolicy;
import io.ktstr4j.schemas.plan.MpolFlag;
import io.ktstr4j.schemas.plan.Phase;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.plan.SchedPolicy;
import io.ktstr4j.schemas.plan.Work;
import io.ktstr4j.schemas.plan.WorkType;
import io.ktstr4j.schemas.topology.TopologyPresets;
import io.ktstr4j.vmm.plan.AgentPlanWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentPlanCompilerTest {

    /** Every op kind, several work types and placements, on numa2-4llc (16 CPUs, 2 nodes). */
    static ScenarioPlan everything() {
        return scenario("golden plan")
                .duration(Duration.ofMillis(1500))
                .backdrop(cgroup("cg_0").cpuset(Cpusets.numa(0)).workers(4).work(new WorkType.PipeIo(null))
                                .affinity(new AffinityKind.LlcAligned()),
                        cgroup("cg_1").cpuset(Cpusets.range(0.5, 1.0)).work(new WorkType.Bursty(30L, null))
                                .policy(new SchedPolicy.Fifo(10))
                                .memPolicy(new MemPolicy.Bind(List.of(1)), MpolFlag.STATIC_NODES),
                        cgroup("cg_1/inner").workers(1).work(new WorkType.Sequence(List.of(
                                new Phase(Phase.Kind.SPIN, 20), new Phase(Phase.Kind.SLEEP, 5)))))
                .step(step().setup(cgroup("tmp").work(new WorkType.FutexFanOut(1, null)))
                        .holdFrac(0.25))
                .step(step().setCpuset("cg_0", Cpusets.disjoint(0, 2)).clearCpuset("cg_1").swapCpusets("cg_0", "cg_1")
                        .addCgroup("side").spawn("side", Work.of(2, new WorkType.MutexContention(2, null, 64L)))
                        .setAffinity("cg_0", new AffinityKind.RandomSubset()).spawnHost(Work.of(1, new WorkType.ForkExit()))
                        .moveAllTasks("side", "cg_1/inner").stopCgroup("side").removeCgroup("side")
                        .holdMs(400))
                .step(step().runPayload("stress-ng", List.of("--cpu", "1"), "cg_0").killPayload("stress-ng")
                        .runPayload("/bin/true", List.of(), null).waitPayload("/bin/true")
                        .loopEveryMs(100))
                .build();
    }

    static final String GOLDEN = """
            ktstr4j-plan v1
            name golden_plan
            duration_ms 1500
            cpus 0-15
            workers_default 2
            watchdog_ms 2000
            stop_deadline_ms 5000
            backdrop
            cgroup cg_0 cpus=0-7 workers=4 work=PipeIo burst_iters=1024 policy=normal affinity=fixed:0-3 mempolicy=default
            cgroup cg_1 cpus=7-14 workers=2 work=Bursty burst_ms=30 sleep_ms=100 policy=fifo:10 affinity=inherit mempolicy=bind:1 mpol_flags=32768
            cgroup cg_1/inner workers=1 work=Sequence phases=spin:20ms,sleep:5ms policy=normal affinity=inherit mempolicy=default
            step index=0 hold=frac:0.25
            cgroup tmp workers=2 work=FutexFanOut fan_out=1 spin_iters=1024 policy=normal affinity=inherit mempolicy=default
            step index=1 hold=fixed:400
            op set_cpuset cgroup=cg_0 cpus=0-6
            op clear_cpuset cgroup=cg_1
            op swap_cpusets a=cg_0 b=cg_1
            op add_cgroup name=side
            op spawn cgroup=side workers=2 work=MutexContention contenders=2 hold_iters=256 work_iters=64 policy=normal affinity=inherit mempolicy=default
            op set_affinity cgroup=cg_0 affinity=random:0-6/3
            op spawn_host workers=1 work=ForkExit policy=normal affinity=inherit mempolicy=default
            op move_all_tasks from=side to=cg_1/inner
            op stop_cgroup cgroup=side
            op remove_cgroup cgroup=side
            step index=2 hold=loop:100
            op run_payload name=stress-ng exe=/payloads/stress-ng cgroup=cg_0 -- --cpu 1
            op kill_payload name=stress-ng
            op run_payload name=/bin/true exe=/bin/true
            op wait_payload name=/bin/true
            end
            """;

    @Test
    void writesTheGoldenText() {
        ValidatedPlan vp = new PlanValidator(TopologyPresets.get("numa2-4llc")).validate(everything());
        assertThat(AgentPlanWriter.write(new AgentPlanCompiler().compile(vp))).isEqualTo(GOLDEN);
    }

    @Test
    void planDefaultsFillDurationAndWorkers() {
        ValidatedPlan vp = new PlanValidator(TopologyPresets.get("tiny-2llc"), new PlanDefaults(700, 3))
                .validate(scenario("d").step(step().setup(cgroup("a"))).build());
        assertThat(AgentPlanWriter.write(new AgentPlanCompiler(0, 1000).compile(vp))).isEqualTo("""
                ktstr4j-plan v1
                name d
                duration_ms 700
                cpus 0-3
                workers_default 3
                watchdog_ms 0
                stop_deadline_ms 1000
                step index=0 hold=frac:1.0
                cgroup a workers=3 work=CpuSpin policy=normal affinity=inherit mempolicy=default
                end
                """);
    }
}
