package io.ktstr4j.pipeline.scenario;

import static io.ktstr4j.pipeline.scenario.CgroupBuilder.cgroup;
import static io.ktstr4j.pipeline.scenario.ScenarioBuilder.scenario;
import static io.ktstr4j.pipeline.scenario.StepBuilder.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.Variant;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.TestResult;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.plan.WorkType;
import io.ktstr4j.schemas.report.WorkerReport;
import io.ktstr4j.schemas.verdict.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every work type in a real VM (QEMU, TCG here) on tiny-2llc (4 CPUs, 2 LLCs), in one boot: one step per type, each
 * with its own cgroup on an exact cpuset, checked with the same per-type expectations as host mode, including
 * cpus_used inside the cgroup's cpuset (real cgroup cpusets in the guest, not the host's affinity fallback).
 */
@Tag("e2e")
class WorkTypesVmTest {
    static final String PRESET = "tiny-2llc";
    /** Per-step hold: a few hundred iterations of the slowest types even under TCG. */
    static final long HOLD_MS = 500;

    static Path kernel;
    @TempDir
    Path tmp;

    @BeforeAll
    static void needsVm() {
        kernel = VmRuns.requireVm();
    }

    /**
     * The cgroup's CPUs for the i-th type: rotating over a 2-CPU set spanning both LLCs, a 2-CPU set with the CPU
     * the root cgroup keeps, and a single CPU; AffinityChurn gets three CPUs to churn over.
     */
    static List<Integer> cpuset(WorkType t, int i) {
        if (t instanceof WorkType.AffinityChurn) return List.of(0, 1, 2);
        return switch (i % 3) {
            case 0 -> List.of(1, 2);
            case 1 -> List.of(0, 3);
            default -> List.of(3);
        };
    }

    @Test
    void all19WorkTypesRunInOneBootInsideTheirCpusets() {
        List<WorkType> types = WorkerExpectations.allTypes();
        assertThat(WorkerExpectations.missingTypes(types)).isEmpty();
        ScenarioBuilder b = scenario("all_work_types").description("every work type, one step each");
        for (int i = 0; i < types.size(); i++) {
            WorkType t = types.get(i);
            b.step(step().setup(cgroup(WorkerExpectations.id(t)).cpuset(Cpusets.exact(cpuset(t, i).toArray(Integer[]::new)))
                    .workers(WorkerExpectations.workersFor(t)).work(t)).holdMs(HOLD_MS));
        }
        ScenarioPlan plan = b.build();
        Duration duration = Duration.ofMillis(HOLD_MS * types.size());
        Variant v = VmRuns.variants(kernel, VmRuns.inlineSpec("all_work_types", plan, null), PRESET, duration).get(0);
        VmRuns.Ran r = VmRuns.run(VmRuns.runner(tmp.resolve("cache")), v);
        System.out.printf("all_work_types on %s: %d ms wall (%d steps x %d ms held), verdict %s %s%n", PRESET, r.wallMs(),
                types.size(), HOLD_MS, r.verdict().outcome(), r.verdict().reasons());

        assertThat(r.verdict().outcome()).as(r.explain()).isNotEqualTo(Outcome.ERROR);
        assertThat(r.events()).extracting(RunEvent::body).as(r.explain())
                .anySatisfy(e -> assertThat(e).isInstanceOf(ScenarioEnd.class))
                .anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(TestResult.class,
                        t -> assertThat(t.result().passed()).as(t.toString()).isTrue()));
        List<Stimulus> st = r.stimuli();
        assertThat(st).extracting(Stimulus::stepIndex).as(r.explain())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, types.size()).boxed().toList());
        for (int i = 0; i < types.size(); i++) {
            WorkType t = types.get(i);
            assertThat(st.get(i).cgroupCount()).as("step " + i + " cgroups").isEqualTo(1);
            assertThat(st.get(i).workerCount()).as("step " + i + " workers").isEqualTo(WorkerExpectations.workersFor(t));
            assertThat(st.get(i).opKinds()).isZero();
            List<WorkerReport> reports = r.reportsOf(WorkerExpectations.id(t));
            WorkerExpectations.print("vm", t, cpuset(t, i), reports);
        }
        for (int i = 0; i < types.size(); i++) {
            WorkType t = types.get(i);
            WorkerExpectations.check("vm " + t.pascalName(), t, r.reportsOf(WorkerExpectations.id(t)),
                    WorkerExpectations.workersFor(t), cpuset(t, i));
        }
    }
}
