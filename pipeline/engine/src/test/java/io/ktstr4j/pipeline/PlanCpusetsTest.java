package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.checks.CgroupReports;
import io.ktstr4j.pipeline.checks.FindingKind;
import io.ktstr4j.pipeline.checks.WorkerChecks;
import io.ktstr4j.pipeline.checks.WorkerSample;
import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.schemas.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanCpusetsTest {

    @Test
    void confinedCgroupsGetTheUnionOfTheirCpusetsAndChildrenInherit() {
        String plan = """
                ktstr4j-plan v1
                backdrop
                cgroup a cpus=0-1 workers=2 work=SpinWait policy=normal affinity=inherit mempolicy=default
                cgroup a/child workers=1 work=SpinWait policy=normal affinity=inherit mempolicy=default
                cgroup b cpus=2-3 workers=2 work=SpinWait policy=normal affinity=inherit mempolicy=default
                step index=0 hold=frac:0.5
                op set_cpuset cgroup=b cpus=3-4
                op add_cgroup name=c
                op set_cpuset cgroup=c cpus=5
                op spawn cgroup=c workers=1 work=SpinWait policy=normal affinity=inherit mempolicy=default
                op add_cgroup name=d
                op spawn cgroup=d workers=1 work=SpinWait policy=normal affinity=inherit mempolicy=default
                op run_payload name=x exe=/bin/x cgroup=a -- cpus=9
                end
                """;
        assertThat(PlanCpusets.allowed(plan)).isEqualTo(Map.of(
                "a", Set.of(0, 1), "a/child", Set.of(0, 1), "b", Set.of(2, 3, 4), "c", Set.of(5)));
    }

    @Test
    void clearedMovedOrUnconfinedCgroupsAreNotJudgedAndSwapsShareBothSets() {
        // cg_0 keeps a cpuset throughout (0-7, then 0-6, then cg_1's 7-14 by the swap); cg_1's is cleared; tmp and
        // side run unconfined; tasks move into cg_1/inner
        String plan = """
                ktstr4j-plan v1
                backdrop
                cgroup cg_0 cpus=0-7 workers=4 work=PipeIo burst_iters=1024 policy=normal affinity=fixed:0-3 mempolicy=default
                cgroup cg_1 cpus=7-14 workers=2 work=Bursty policy=fifo:10 affinity=inherit mempolicy=bind:1
                cgroup cg_1/inner workers=1 work=Sequence policy=normal affinity=inherit mempolicy=default
                step index=0 hold=frac:0.25
                cgroup tmp workers=2 work=FutexFanOut policy=normal affinity=inherit mempolicy=default
                step index=1 hold=fixed:400
                op set_cpuset cgroup=cg_0 cpus=0-6
                op clear_cpuset cgroup=cg_1
                op swap_cpusets a=cg_0 b=cg_1
                op add_cgroup name=side
                op spawn cgroup=side workers=2 work=MutexContention policy=normal affinity=inherit mempolicy=default
                op move_all_tasks from=side to=cg_1/inner
                end
                """;
        assertThat(PlanCpusets.allowed(plan)).isEqualTo(Map.of("cg_0",
                Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)));
        assertThat(PlanCpusets.allowed(null)).isEmpty();
    }

    @Test
    void evaluationJudgesIsolationOfARealRunFromThePlan() {
        String plan = "ktstr4j-plan v1\nbackdrop\ncgroup a cpus=4-7 workers=2 work=SpinWait policy=normal"
                + " affinity=inherit mempolicy=default\ncgroup free workers=1 work=SpinWait policy=normal"
                + " affinity=inherit mempolicy=default\nend\n";
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

    static WorkerSample worker(long tid, Set<Integer> cpus) {
        long sec = 1_000_000_000L;
        return new WorkerSample(tid, 100_000, 2 * sec, 2 * sec, sec / 10, 3, cpus, 40, 1, 700, List.of(), 100,
                Map.of(), 0, false);
    }
}
