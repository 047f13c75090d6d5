package io.ktstr4j.pipeline.scenario;

import static io.ktstr4j.pipeline.scenario.CgroupBuilder.cgroup;
import static io.ktstr4j.pipeline.scenario.ScenarioBuilder.scenario;
import static io.ktstr4j.pipeline.scenario.StepBuilder.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.plan.AffinityKind;
import io.ktstr4j.schemas.plan.OpKind;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.plan.Work;
import io.ktstr4j.schemas.plan.WorkType;
import io.ktstr4j.schemas.report.WorkerReport;
import io.ktstr4j.schemas.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenario engine inside the real agent binary, run in host mode on this machine (fast: about 2 s each).
 * Host cgroups may lack the cpuset controller; the engine then confines workers by affinity, which is what the
 * cpus_used checks see.
 */
class HostModeScenarioTest {
    /** Plans are written for a 2-CPU host topology; the agent only needs CPUs 0-1 to exist. */
    static final Topology HOST = Topology.parse("1n1l2c1t");

    static String compile(ScenarioPlan plan) {
        return new AgentPlanCompiler().compile(new PlanValidator(HOST).validate(plan)).text();
    }

    /** Step hold per work type in host mode: long enough for every type to loop a few times on a busy host. */
    static final long HOST_HOLD_MS = 400;

    /** The 19 work types in four agent runs of a few successive steps each (about 2 s per run). */
    static Stream<Arguments> workTypeGroups() {
        List<WorkType> all = WorkerExpectations.allTypes();
        int groups = 4;
        List<Arguments> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            List<WorkType> part = new ArrayList<>();
            for (int i = g; i < all.size(); i += groups) part.add(all.get(i));
            out.add(Arguments.of(part.stream().map(WorkType::pascalName).collect(Collectors.joining(",")), part));
        }
        return out.stream();
    }

    @Test
    void theGroupsCoverEveryWorkType() {
        List<WorkType> covered = workTypeGroups().flatMap(a -> ((List<?>) a.get()[1]).stream())
                .map(WorkType.class::cast).toList();
        assertThat(covered).hasSize(19);
        assertThat(WorkerExpectations.missingTypes(covered)).as("work types without a host-mode run").isEmpty();
    }

    /** Host CPUs for a type: AffinityChurn needs two to churn over; the others get one (alternating 1, 0). */
    static List<Integer> hostCpuset(WorkType t, int index) {
        if (t instanceof WorkType.AffinityChurn) return List.of(0, 1);
        return List.of(index % 2 == 0 ? 1 : 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workTypeGroups")
    void everyWorkTypeReportsRealWorkWithItsOwnFields(String names, List<WorkType> types) throws Exception {
        ScenarioBuilder b = scenario("host_types").duration(Duration.ofMillis(HOST_HOLD_MS * types.size()));
        for (int i = 0; i < types.size(); i++) {
            WorkType t = types.get(i);
            b.step(step().setup(cgroup(WorkerExpectations.id(t)).cpuset(Cpusets.exact(hostCpuset(t, i).toArray(Integer[]::new)))
                    .workers(WorkerExpectations.workersFor(t)).work(t)).holdMs(HOST_HOLD_MS));
        }
        long t0 = System.nanoTime();
        HostAgent.runChecked(compile(b.build()), Duration.ofSeconds(60), HOST_HOLD_MS / 2, 3, run -> {
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.result()).hasValueSatisfying(r -> assertThat(r.result().passed()).isTrue());
            assertThat(run.stimuli()).extracting(Stimulus::stepIndex)
                    .containsExactlyElementsOf(IntStream.range(0, types.size()).boxed().toList());
            for (int i = 0; i < types.size(); i++) {
                WorkType t = types.get(i);
                Stimulus s = run.stimuli().get(i);
                assertThat(s.cgroupCount()).isEqualTo(1);
                assertThat(s.workerCount()).isEqualTo(WorkerExpectations.workersFor(t));
                assertThat(s.opKinds()).isZero();
                WorkerExpectations.check("host " + t.pascalName(), t, run.reportsOf(WorkerExpectations.id(t)),
                        WorkerExpectations.workersFor(t), hostCpuset(t, i));
            }
            for (int i = 0; i < types.size(); i++)
                WorkerExpectations.print("host", types.get(i), hostCpuset(types.get(i), i),
                        run.reportsOf(WorkerExpectations.id(types.get(i))));
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("host run of %s: %d ms%n", names, ms);
    }

    /**
     * The deliberately broken setup on this machine: a normal worker runs on CPU 1, then a SCHED_FIFO spinner joins it
     * there. The kernel still lends the normal worker about 50 ms per second (fair server / RT throttling), so its
     * report shows a gap of roughly 950 ms (or no work at all), far beyond anything normal scheduling produces; the
     * pipeline's worker checks with a 500 ms gap limit flag it as STUCK (ktstr's default limit, 2000 ms, would not).
     */
    @Test
    void aFifoSpinnerStarvesTheNormalWorkerOnItsCpu() throws Exception {
        HostAgent.requireAgent();
        Process chrt;
        try {
            chrt = new ProcessBuilder("chrt", "-f", "1", "true").redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("chrt is not installed, so whether this host allows SCHED_FIFO is unknown");
            return;
        }
        Assumptions.assumeTrue(chrt.waitFor() == 0, "this host does not allow SCHED_FIFO (chrt -f 1 failed)");
        ScenarioPlan plan = scenario("rt_starvation_host").duration(Duration.ofMillis(1500))
                .backdrop(cgroup("cg_victim").cpuset(Cpusets.exact(1)).workers(1))
                .step(step().holdMs(200))
                .step(step().setup(cgroup("cg_rt").cpuset(Cpusets.exact(1)).workers(1)
                        .policy(new io.ktstr4j.schemas.plan.SchedPolicy.Fifo(50))).holdMs(1300))
                .build();
        HostAgent.Run run = HostAgent.run(compile(plan), Duration.ofSeconds(60));
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).doesNotContain("not applied");
        WorkerReport victim = run.reportsOf("cg_victim").get(0);
        WorkerReport rt = run.reportsOf("cg_rt").get(0);
        System.out.printf("host rt_starvation: victim work_units %d cpu %d ms of %d ms wall, max_gap %d ms at +%d ms; "
                        + "FIFO spinner cpu %d ms of %d ms wall%n", victim.workUnits(), victim.cpuTimeNs() / 1_000_000,
                victim.wallTimeNs() / 1_000_000, victim.maxGapMs(), victim.maxGapAtMs(), rt.cpuTimeNs() / 1_000_000,
                rt.wallTimeNs() / 1_000_000);
        assertThat(victim.workUnits() == 0 || victim.maxGapMs() >= 500)
                .as("victim starved or stalled: %s", victim).isTrue();
        assertThat(victim.maxGapCpu()).isEqualTo(1);
        assertThat(rt.cpuTimeNs()).as("the FIFO spinner keeps CPU 1").isGreaterThan(rt.wallTimeNs() * 7 / 10);

        var thresholds = io.ktstr4j.schemas.spec.Thresholds.resolve(io.ktstr4j.schemas.spec.ThresholdMode.RELEASE,
                io.ktstr4j.schemas.spec.AssertThresholds.builder().maxGapMs(500L).build());
        var result = io.ktstr4j.pipeline.checks.WorkerChecks.evaluate(List.of(
                io.ktstr4j.pipeline.checks.CgroupReports.of("cg_victim",
                        List.of(io.ktstr4j.pipeline.checks.WorkerSamples.of(victim)))), thresholds);
        assertThat(result.findings()).as("worker checks").anySatisfy(f -> {
            assertThat(f.kind()).isIn(io.ktstr4j.pipeline.checks.FindingKind.STUCK,
                    io.ktstr4j.pipeline.checks.FindingKind.STARVED);
            assertThat(f.message()).contains("cg_victim");
        });
    }

    @Test
    void opsChangeThingsStepByStepAndStimulusShowsThem() throws Exception {
        ScenarioPlan plan = scenario("ops").duration(Duration.ofMillis(1200))
                .backdrop(cgroup("bd").workers(2), cgroup("pin").cpuset(Cpusets.exact(0)).workers(1))
                .step(step().setup(cgroup("a").workers(2)).addCgroup("b").spawn("b", Work.of(1, new WorkType.Mixed()))
                        .holdMs(200))
                .step(step().setCpuset("bd", Cpusets.exact(1)).swapCpusets("bd", "pin")
                        .setAffinity("bd", new AffinityKind.SingleCpu()).spawnHost(Work.of(1, new WorkType.YieldHeavy()))
                        .holdMs(200))
                .step(step().clearCpuset("pin").addCgroup("c").spawn("c", Work.of(2, new WorkType.CpuSpin()))
                        .addCgroup("d").moveAllTasks("c", "d").stopCgroup("d").removeCgroup("d").holdMs(200))
                .step(step().runPayload("/bin/sleep", List.of("5"), null).killPayload("/bin/sleep")
                        .runPayload("/bin/true", List.of(), "pin").waitPayload("/bin/true").holdMs(100))
                .build();
        HostAgent.Run run = HostAgent.run(compile(plan), Duration.ofSeconds(60));
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.messages().get(2)).as(run.kinds()).isInstanceOf(ScenarioStart.class);
        assertThat(run.messages()).anySatisfy(m -> assertThat(m).isInstanceOf(ScenarioEnd.class));

        List<Stimulus> st = run.stimuli();
        assertThat(st).hasSize(4);
        assertThat(OpKind.fromMask(st.get(0).opKinds())).containsExactlyInAnyOrder(OpKind.ADD_CGROUP, OpKind.SPAWN);
        assertThat(st.get(0).opCount()).isEqualTo(2);
        assertThat(st.get(0).cgroupCount()).isEqualTo(4);  // bd, pin, b, a
        assertThat(st.get(0).workerCount()).isEqualTo(6);  // 2 + 1 + 1 + 2
        assertThat(OpKind.fromMask(st.get(1).opKinds())).isEqualTo(EnumSet.of(OpKind.SET_CPUSET, OpKind.SWAP_CPUSETS,
                OpKind.SET_AFFINITY, OpKind.SPAWN_HOST));
        assertThat(st.get(1).workerCount()).isEqualTo(4);  // step 0's a and b are gone, one host worker came
        assertThat(OpKind.fromMask(st.get(2).opKinds())).isEqualTo(EnumSet.of(OpKind.CLEAR_CPUSET, OpKind.ADD_CGROUP,
                OpKind.SPAWN, OpKind.MOVE_ALL_TASKS, OpKind.STOP_CGROUP, OpKind.REMOVE_CGROUP));
        assertThat(st.get(2).cgroupCount()).isEqualTo(3); // bd, pin, c (d was removed)
        assertThat(OpKind.fromMask(st.get(3).opKinds())).isEqualTo(EnumSet.of(OpKind.RUN_PAYLOAD, OpKind.KILL_PAYLOAD,
                OpKind.WAIT_PAYLOAD));
        assertThat(st).extracting(Stimulus::elapsedMs).isSorted();
        assertThat(st.get(3).totalIterations()).isGreaterThan(st.get(0).totalIterations());

        // reports: step cgroups at their step's end, moved workers under their new cgroup, the backdrop at the end
        assertThat(run.reportsOf("a")).hasSize(2);
        assertThat(run.reportsOf("b")).hasSize(1);
        assertThat(run.reportsOf("<host>")).hasSize(1);
        assertThat(run.reportsOf("d")).hasSize(2);
        assertThat(run.reportsOf("c")).isEmpty();
        assertThat(run.reportsOf("bd")).hasSize(2).allSatisfy(r -> assertThat(r.workUnits()).isPositive());
        // bd: confined to CPU 1, swapped to pin's CPU 0, then pinned to a single CPU of its cpuset (0)
        assertThat(run.reportsOf("bd")).allSatisfy(r -> assertThat(r.cpusUsed()).isSubsetOf(0, 1));
        assertThat(run.reportsOf("pin")).singleElement().satisfies(r -> assertThat(r.cpusUsed()).contains(0));
        assertThat(run.messages()).filteredOn(m -> m instanceof io.ktstr4j.schemas.event.PayloadMetricsReport)
                .extracting(m -> ((io.ktstr4j.schemas.event.PayloadMetricsReport) m).metrics().exitCode())
                .containsExactly(128 + 9, 0);
        assertThat(run.result()).hasValueSatisfying(r -> assertThat(r.result().passed()).as(r.toString()).isTrue());
    }

    @Test
    void aBrokenPlanFailsTheTestWithTheLine() throws Exception {
        HostAgent.Run run = HostAgent.run("ktstr4j-plan v1\nname x\nduration_ms 100\ncpus 0-1\nstep hold=frac:2x\nend\n",
                Duration.ofSeconds(30));
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.result()).hasValueSatisfying(r -> {
            assertThat(r.result().passed()).isFalse();
            assertThat(r.result().details()).anySatisfy(d -> assertThat(d.message())
                    .isEqualTo("plan line 5: hold=frac:2x: expected frac:<fraction of duration_ms>"));
        });
    }

    @Test
    void anOpThatFailsEndsTheScenarioAndStillReports() throws Exception {
        String text = """
                ktstr4j-plan v1
                name failing
                duration_ms 400
                cpus 0-1
                backdrop
                cgroup bd workers=1 work=CpuSpin
                step hold=fixed:100
                step hold=fixed:100
                op spawn cgroup=nope workers=1 work=CpuSpin
                end
                """;
        HostAgent.Run run = HostAgent.run(text, Duration.ofSeconds(30));
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.result()).hasValueSatisfying(r -> assertThat(r.result().details()).anySatisfy(d -> assertThat(
                d.message()).isEqualTo("step 1 failed: op 0 (spawn): spawn into cgroup 'nope', which does not exist (add it first)")));
        List<WorkerReport> bd = run.reportsOf("bd");
        assertThat(bd).singleElement().satisfies(r -> assertThat(r.workUnits()).isPositive());
    }
}
