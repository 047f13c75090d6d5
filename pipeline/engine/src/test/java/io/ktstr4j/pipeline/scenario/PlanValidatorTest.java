package io.ktstr4j.pipeline.scenario;

import static io.ktstr4j.pipeline.scenario.CgroupBuilder.cgroup;
import static io.ktstr4j.pipeline.scenario.ScenarioBuilder.scenario;
import static io.ktstr4j.pipeline.scenario.StepBuilder.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.SchemaException;
import io.ktstr4j.schemas.plan.AffinityKind;
import io.ktstr4j.schemas.plan.MemPolicy;
import io.ktstr4j.schemas.plan.MpolFlag;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.plan.SchedPolicy;
import io.ktstr4j.schemas.plan.Work;
import io.ktstr4j.schemas.plan.WorkType;
import io.ktstr4j.schemas.topology.TopologyPresets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanValidatorTest {
    private final PlanValidator tiny = new PlanValidator(TopologyPresets.get("tiny-2llc"));
    private final PlanValidator numa = new PlanValidator(TopologyPresets.get("numa2-4llc"));

    private static List<String> problems(PlanValidator v, ScenarioPlan p) {
        try {
            v.validate(p);
        } catch (PlanValidationException e) {
            return e.problems();
        }
        throw new AssertionError("plan " + p.name() + " validated, expected problems");
    }

    @Test
    void acceptsAndResolvesAGoodPlan() {
        ValidatedPlan vp = numa.validate(scenario("ok")
                .backdrop(cgroup("cg_0").cpuset(Cpusets.numa(1)).memPolicy(new MemPolicy.Bind(List.of(1))))
                .step(step().setCpuset("cg_0", Cpusets.disjoint(0, 2)).holdFrac(0.5))
                .build());
        assertThat(vp.durationMs()).isEqualTo(2000);
        assertThat(vp.cpusets()).containsEntry("backdrop[0]", List.of(8, 9, 10, 11, 12, 13, 14, 15))
                .containsEntry("steps[0].ops[0]", List.of(0, 1, 2, 3, 4, 5, 6));
        assertThat(vp.workers()).containsEntry("backdrop[0]", 2);
    }

    @Test
    void refusesMemPolicyNodeOutsideTheCpusetsNodes() {
        assertThat(problems(numa, scenario("m")
                .step(step().setup(cgroup("cg_0").cpuset(Cpusets.numa(0)).memPolicy(new MemPolicy.Bind(List.of(1)))))
                .build())).containsExactly(
                "steps[0].setup[0].mem_policy.nodes: node 1 is outside the cpuset's NUMA nodes [0] (CPUs 0-7)");
        // a spawn into a cgroup is checked against that cgroup's cpuset at that point
        assertThat(problems(numa, scenario("m")
                .backdrop(cgroup("cg_0").cpuset(Cpusets.llc(3)))
                .step(step().spawn("cg_0", new Work(2, null, null, null, new MemPolicy.Preferred(0), null)))
                .build())).containsExactly(
                "steps[0].ops[0].work.mem_policy.nodes: node 0 is outside the cpuset's NUMA nodes [1] (CPUs 12-15)");
        assertThat(problems(tiny, scenario("m")
                .backdrop(cgroup("cg_0").memPolicy(new MemPolicy.Interleave(List.of(0, 2)))).step(step()).build()))
                .containsExactly("backdrop[0].mem_policy.nodes: node 2 does not exist on 1n2l2c1t (nodes 0..0)");
        // relative node numbers index the allowed set: not checked against absolute nodes
        numa.validate(scenario("m").step(step().setup(cgroup("cg_0").cpuset(Cpusets.numa(1))
                .memPolicy(new MemPolicy.Bind(List.of(0)), MpolFlag.RELATIVE_NODES))).build());
    }

    @Test
    void refusesOddWorkerCountsForPairTypes() {
        assertThat(problems(tiny, scenario("p")
                .step(step().setup(cgroup("a").workers(3).work(new WorkType.PipeIo(null)))
                        .spawn("a", Work.of(5, new WorkType.FutexPingPong(null))))
                .build())).containsExactly( // ops run before the step's setup creates 'a'
                "steps[0].ops[0].cgroup: 'a' does not exist at this point (known: [])",
                "steps[0].setup[0].workers: 3 is odd; PipeIo pairs workers");
        assertThat(problems(tiny, scenario("p")
                .backdrop(cgroup("a"))
                .step(step().spawn("a", Work.of(5, new WorkType.FutexPingPong(null))).holdFrac(0.5))
                .step(step().setup(cgroup("b").workers(3).work(new WorkType.CachePipe(null, null))))
                .build())).containsExactly(
                "steps[0].ops[0].work.workers: 5 is odd; FutexPingPong pairs workers",
                "steps[1].setup[0].workers: 3 is odd; CachePipe pairs workers");
        assertThat(problems(new PlanValidator(TopologyPresets.get("tiny-2llc"), new PlanDefaults(1000, 3)),
                scenario("p").step(step().setup(cgroup("a").work(new WorkType.PipeIo(null)))).build()))
                .containsExactly("steps[0].setup[0].workers: 3 (the default workers per cgroup) is odd; PipeIo pairs workers");
    }

    @Test
    void refusesFanOutAndMutexGroupsThatDoNotDivide() {
        assertThat(problems(tiny, scenario("f")
                .step(step().setup(
                        cgroup("a").workers(6).work(new WorkType.FutexFanOut(4, null)),
                        cgroup("b").workers(4).work(new WorkType.FanOutCompute(2, null, null, null)),
                        cgroup("c").workers(6).work(new WorkType.MutexContention(4, null, null))))
                .build())).containsExactly(
                "steps[0].setup[0].workers: 6 is not divisible by fan_out+1 (5); FutexFanOut runs groups of one messenger and 4 receivers",
                "steps[0].setup[1].workers: 4 is not divisible by fan_out+1 (3); FanOutCompute runs groups of one messenger and 2 receivers",
                "steps[0].setup[2].workers: 6 is not divisible by contenders (4); MutexContention runs groups of 4 contenders");
    }

    @Test
    void fifoPriorityOutsideOneTo99IsRefusedWithItsPath() {
        // the record refuses it on construction, so a plan file reports the JSON path
        assertThatThrownBy(() -> new SchedPolicy.Fifo(0)).hasMessageContaining("priority");
        assertThatThrownBy(() -> PlanReader.parse("""
                {"name":"rt","steps":[{"setup":[{"name":"a","sched_policy":{"kind":"fifo","priority":100}}]}]}""",
                "rt.json"))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("rt.json: steps[0].setup[0].sched_policy.priority");
        tiny.validate(scenario("rt").step(step().setup(cgroup("a").policy(new SchedPolicy.RoundRobin(99)))).build());
    }

    @Test
    void refusesCpusetsThatResolveEmptyOrDoNotExist() {
        assertThat(problems(tiny, scenario("e")
                .backdrop(cgroup("a").cpuset(Cpusets.range(0.0, 0.25)), cgroup("b").cpuset(Cpusets.llc(2)))
                .step(step().setCpuset("a", Cpusets.disjoint(0, 5)).setCpuset("a", Cpusets.exact(0, 4)))
                .build())).containsExactly(
                "backdrop[0].cpuset: range [0.0, 0.25) resolves to no CPUs on 1n2l2c1t (usable CPUs 0-2)",
                "backdrop[1].cpuset: LLC 2 does not exist: topology 1n2l2c1t has LLCs 0..1",
                "steps[0].ops[0].cpuset: not enough usable CPUs (3 of 4 on 1n2l2c1t) for 5 partitions",
                "steps[0].ops[1].cpuset: CPU(s) [4] do not exist: topology 1n2l2c1t has CPUs 0..3");
    }

    @Test
    void refusesOpsThatBreakCgroupOwnership() {
        assertThat(problems(tiny, scenario("o")
                .backdrop(cgroup("bd"))
                .step(step().setup(cgroup("s")).holdFrac(0.5))
                .step(step().stopCgroup("bd").removeCgroup("bd").addCgroup("local").moveAllTasks("bd", "local")
                        .setAffinity("s", new AffinityKind.SingleCpu()).addCgroup("bd"))
                .build())).containsExactly(
                "steps[1].ops[0].cgroup: 'bd' belongs to the backdrop; stop_cgroup from a step would end workers meant to last the whole scenario",
                "steps[1].ops[1].cgroup: 'bd' belongs to the backdrop; remove_cgroup from a step would end workers meant to last the whole scenario",
                "steps[1].ops[3].to: 'local' is a step cgroup but 'bd' belongs to the backdrop; its workers would be stranded when the step ends",
                "steps[1].ops[4].cgroup: 's' does not exist at this point (known: [bd, local])",
                "steps[1].ops[5].name: 'bd' already exists at this point (a loop step repeats its ops; step cgroups end with their step)");
    }

    @Test
    void aLoopStepsOpsAreCheckedForTheSecondRound() {
        assertThat(problems(tiny, scenario("l")
                .step(step().addCgroup("tmp").loopEveryMs(100)).build())).containsExactly(
                "steps[0].ops[0].name: 'tmp' already exists at this point (a loop step repeats its ops; step cgroups end with their step)");
        tiny.validate(scenario("l").backdrop(cgroup("a"))
                .step(step().setAffinity("a", new AffinityKind.RandomSubset()).loopEveryMs(100)).build());
    }

    @Test
    void refusesPayloadOpsTheAgentCannotCarryOrMatch() {
        assertThat(problems(tiny, scenario("pl")
                .step(step().runPayload("stress-ng", List.of("--cpu", "two words"), null).waitPayload("schbench"))
                .step(step().killPayload("stress-ng"))
                .build())).containsExactly(
                "steps[0].ops[0].args[1]: 'two words' is empty or contains spaces or '='; the agent passes arguments as single words",
                "steps[0].ops[1].name: payload 'schbench' is not running at this point (start it with run_payload)",
                "steps[1].ops[0].name: payload 'stress-ng' is not running at this point (start it with run_payload)");
    }

    @Test
    void messageNamesPlanAndTopology() {
        assertThatThrownBy(() -> tiny.validate(scenario("bad").step(step().setup(
                cgroup("a").workers(3).work(new WorkType.PipeIo(null)))).build()))
                .isInstanceOf(PlanValidationException.class)
                .hasMessage("plan 'bad' on 1n2l2c1t: steps[0].setup[0].workers: 3 is odd; PipeIo pairs workers");
    }
}
