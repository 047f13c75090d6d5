package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.checks.CgroupReports;
import io.ktstr4j.pipeline.checks.FindingKind;
import io.ktstr4j.pipeline.checks.WorkerChecks;
import io.ktstr4j.pipeline.checks.WorkerSample;
import io.ktstr4j.schemas.plan.HoldSpec;
import io.ktstr4j.schemas.plan.WorkType;
import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.plan.AgentOp;
import io.ktstr4j.vmm.plan.AgentScenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PlanCpusetsTest {

    @Test
    void confinedCgroupsGetTheUnionOfTheirCpusetsAndChildrenInherit() {
        AgentScenario plan = scenario()
                .backdrop(cgroup("a", List.of(0, 1), 2))
                .backdrop(cgroup("a/child", null, 1))
                .backdrop(cgroup("b", List.of(2, 3), 2))
                .step(new HoldSpec.Frac(0.5), List.of(), List.of(
                        new AgentOp.SetCpuset("b", List.of(3, 4)),
                        new AgentOp.AddCgroup("c"),
                        new AgentOp.SetCpuset("c", List.of(5)),
                        new AgentOp.Spawn("c", work(1)),
                        new AgentOp.AddCgroup("d"),
                        new AgentOp.Spawn("d", work(1)),
                        new AgentOp.RunPayload("x", "/bin/x", "a", List.of("cpus=9"))))
                .build();
        assertThat(PlanCpusets.allowed(plan)).isEqualTo(Map.of(
                "a", Set.of(0, 1), "a/child", Set.of(0, 1), "b", Set.of(2, 3, 4), "c", Set.of(5)));
    }

    @Test
    void clearedMovedOrUnconfinedCgroupsAreNotJudgedAndSwapsShareBothSets() {
        // cg_0 keeps a cpuset throughout (0-7, then 0-6, then cg_1's 7-14 by the swap); cg_1's is cleared; tmp and
        // side run unconfined; tasks move into cg_1/inner
        AgentScenario plan = scenario()
                .backdrop(cgroup("cg_0", range(0, 7), 4))
                .backdrop(cgroup("cg_1", range(7, 14), 2))
                .backdrop(cgroup("cg_1/inner", null, 1))
                .step(new HoldSpec.Frac(0.25), List.of(cgroup("tmp", null, 2)), List.of())
                .step(new HoldSpec.Fixed(400), List.of(), List.of(
                        new AgentOp.SetCpuset("cg_0", range(0, 6)),
                        new AgentOp.ClearCpuset("cg_1"),
                        new AgentOp.SwapCpusets("cg_0", "cg_1"),
                        new AgentOp.AddCgroup("side"),
                        new AgentOp.Spawn("side", work(2)),
                        new AgentOp.MoveAllTasks("side", "cg_1/inner")))
                .build();
        assertThat(PlanCpusets.allowed(plan)).isEqualTo(Map.of("cg_0",
                Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)));
        assertThat(PlanCpusets.allowed(null)).isEmpty();
    }

    @Test
    void evaluationJudgesIsolationOfARealRunFromThePlan() {
        AgentScenario plan = scenario().backdrop(cgroup("a", range(4, 7), 2)).backdrop(cgroup("free", null, 1))
                .build();
        Variant v = new Variant("t", "numa2-4llc", Topology.parse("2n4l4c1t"), null, Path.of("/k"), plan,
                Duration.ofSeconds(1), 256, Duration.ofSeconds(10), null, List.of(), List.of(), "SpinWait");
        List<CgroupReports> cgs = Evaluation.withCpusets(List.of(
                CgroupReports.of("a", List.of(worker(1, Set.of(4, 5)), worker(2, Set.of(7, 9)))),
                CgroupReports.of("free", List.of(worker(3, Set.of(0, 15))))), v);
        assertThat(cgs.get(0).cpuset()).containsExactlyInAnyOrder(4, 5, 6, 7);
        assertThat(cgs.get(0).localNodes()).containsExactly(0);
        assertThat(cgs.get(1).cpuset()).isEmpty();
        var r = WorkerChecks.evaluate(cgs, Thresholds.resolve(ThresholdMode.RELEASE,
                AssertThresholds.builder().isolation(true).build()));
        assertThat(r.findings()).extracting(f -> f.kind()).containsExactly(FindingKind.ISOLATION);
        assertThat(r.findings().get(0).message()).contains("tid 2").contains("[9]");
    }

    static AgentScenario.Builder scenario() {
        return AgentScenario.builder("t", 1000, range(0, 15));
    }

    static AgentScenario.Cgroup cgroup(String name, List<Integer> cpus, int workers) {
        return new AgentScenario.Cgroup(name, cpus, work(workers));
    }

    static AgentScenario.Work work(int workers) {
        return new AgentScenario.Work(workers, new WorkType.CpuSpin(), null, null, null, null);
    }

    static List<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
    }

    static WorkerSample worker(long tid, Set<Integer> cpus) {
        long sec = 1_000_000_000L;
        return new WorkerSample(tid, 100_000, 2 * sec, 2 * sec, sec / 10, 3, cpus, 40, 1, 700, List.of(), 100,
                Map.of(), 0, false, 0);
    }
}
