package io.ktstr4j.pipeline.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.Variant;
import io.ktstr4j.pipeline.VariantRunner;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.TestResult;
import io.ktstr4j.schemas.plan.CgroupDef;
import io.ktstr4j.schemas.plan.HoldSpec;
import io.ktstr4j.schemas.plan.Op;
import io.ktstr4j.schemas.plan.OpKind;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.plan.Step;
import io.ktstr4j.schemas.report.ExitInfo;
import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.schemas.topology.TopologyPresets;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every canned scenario of {@link ScenarioLibrary} in a real VM (one boot each, QEMU/TCG here) on tiny-2llc with a
 * short duration. What the agent reports is compared with what the plan objects say: one STIMULUS per step with the
 * step's index, op count and op-kind mask, the live cgroups and workers after the step's ops and setup, and the
 * worker reports per cgroup. Kept apart from the other VM tests because it boots the VM 18 times (minutes in all).
 */
@Tag("e2e")
class CannedScenariosVmTest {
    static final String PRESET = "tiny-2llc";
    static final Duration DURATION = Duration.ofSeconds(1);
    /** The canned library's default workers per cgroup (TestSpec's, ktstr's). */
    static final int WORKERS = 2;
    static final String HOST = "<host>";

    static Path kernel;
    @TempDir
    Path tmp;

    @BeforeAll
    static void needsVm() {
        kernel = VmRuns.requireVm();
    }

    /** What the agent should report for a plan, derived by walking its steps as the engine does. */
    record Expected(List<Long> opKinds, List<Integer> opCounts, List<Integer> cgroups, List<Integer> workers,
                    Map<String, Integer> reports, boolean exactReports) {}

    static int workers(Integer n) {
        return n == null ? WORKERS : n;
    }

    /** Handles: a group of workers spawned together, labelled with the cgroup they are reported under. */
    static final class Handle {
        String label;
        final int workers;
        final boolean backdrop;

        Handle(String label, int workers, boolean backdrop) {
            this.label = label;
            this.workers = workers;
            this.backdrop = backdrop;
        }
    }

    static boolean within(String cgroup, String root) {
        return cgroup.equals(root) || cgroup.startsWith(root + "/");
    }

    static Expected expect(ScenarioPlan plan) {
        Set<String> backdropCgs = new HashSet<>();
        List<Handle> live = new ArrayList<>();
        Map<String, Integer> reports = new TreeMap<>();
        for (CgroupDef d : plan.backdrop()) {
            backdropCgs.add(d.name());
            live.add(new Handle(d.name(), workers(d.workers()), true));
        }
        List<Long> kinds = new ArrayList<>();
        List<Integer> opCounts = new ArrayList<>(), cgroups = new ArrayList<>(), workerCounts = new ArrayList<>();
        boolean exact = true;
        for (Step st : plan.steps()) {
            Set<String> stepCgs = new HashSet<>();
            if (st.hold() instanceof HoldSpec.Loop) { // ops repeat every interval: the stimulus sees the first round
                for (CgroupDef d : st.setup()) {
                    stepCgs.add(d.name());
                    live.add(new Handle(d.name(), workers(d.workers()), false));
                }
                exact &= st.ops().stream().noneMatch(o -> o instanceof Op.Spawn || o instanceof Op.SpawnHost);
            }
            for (Op op : st.ops()) {
                if (op instanceof Op.AddCgroup a) {
                    stepCgs.add(a.name());
                } else if (op instanceof Op.RemoveCgroup rm) {
                    stepCgs.removeIf(c -> within(c, rm.cgroup()));
                    collect(live, reports, h -> within(h.label, rm.cgroup()));
                } else if (op instanceof Op.StopCgroup sc) {
                    collect(live, reports, h -> within(h.label, sc.cgroup()));
                } else if (op instanceof Op.Spawn sp) {
                    live.add(new Handle(sp.cgroup(), workers(sp.work().workers()), false));
                } else if (op instanceof Op.SpawnHost sh) {
                    live.add(new Handle(HOST, workers(sh.work().workers()), false));
                } else if (op instanceof Op.MoveAllTasks mv) {
                    live.stream().filter(h -> h.label.equals(mv.from())).forEach(h -> h.label = mv.to());
                }
            }
            if (!(st.hold() instanceof HoldSpec.Loop))
                for (CgroupDef d : st.setup()) {
                    stepCgs.add(d.name());
                    live.add(new Handle(d.name(), workers(d.workers()), false));
                }
            kinds.add(OpKind.mask(st.ops().stream().map(Op::kind).toList()));
            opCounts.add(st.ops().size());
            cgroups.add(backdropCgs.size() + stepCgs.size());
            workerCounts.add(live.stream().mapToInt(h -> h.workers).sum());
            collect(live, reports, h -> !h.backdrop); // the step ends: its workers report
        }
        collect(live, reports, h -> true);
        return new Expected(kinds, opCounts, cgroups, workerCounts, reports, exact);
    }

    static void collect(List<Handle> live, Map<String, Integer> reports, java.util.function.Predicate<Handle> pick) {
        for (var it = live.iterator(); it.hasNext(); ) {
            Handle h = it.next();
            if (pick.test(h)) {
                reports.merge(h.label, h.workers, Integer::sum);
                it.remove();
            }
        }
    }

    record Row(String name, Outcome outcome, String reasons, long wallMs, int steps, int reports) {}

    @Test
    void everyCannedScenarioRunsAndItsStimuliFollowThePlan() {
        Topology topo = TopologyPresets.get(PRESET);
        VariantRunner runner = VmRuns.runner(tmp.resolve("cache"));
        Map<String, AssertionError> failures = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        int skipped = 0;
        for (String name : ScenarioLibrary.names()) {
            Variant v = VmRuns.variants(kernel, TestSpec.of(name, name), PRESET, DURATION).get(0);
            var unmet = ScenarioLibrary.entry(name).orElseThrow().unmetBy(topo);
            assertThat(v.skipReason()).as(name + " skip reason").isEqualTo(unmet.orElse(null));
            if (v.skipReason() != null) {
                skipped++;
                continue;
            }
            ScenarioPlan plan = ScenarioLibrary.load(name);
            Expected ex = expect(plan);
            VmRuns.Ran r = VmRuns.run(runner, v);
            rows.add(new Row(name, r.verdict().outcome(), r.verdict().reasons().toString(), r.wallMs(),
                    plan.steps().size(), r.cgroupsReported().stream().mapToInt(c -> r.reportsOf(c).size()).sum()));
            try {
                checkRun(name, plan, ex, r);
            } catch (AssertionError e) {
                failures.put(name, e);
            }
        }
        long total = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("canned scenarios on %s, %d ms each: %d run, %d skipped, %d ms in all%n", PRESET,
                DURATION.toMillis(), rows.size(), skipped, total);
        rows.forEach(row -> System.out.printf("  %-18s %-5s %6d ms  steps %d  reports %3d  %s%n", row.name(),
                row.outcome(), row.wallMs(), row.steps(), row.reports(), row.reasons()));
        failures.forEach((n, e) -> System.out.println("FAILED " + n + ": " + e.getMessage()));
        assertThat(rows).as("every canned scenario fits " + PRESET).hasSize(ScenarioLibrary.names().size());
        assertThat(failures.keySet()).as("scenarios whose run did not match their plan").isEmpty();
    }

    static void checkRun(String name, ScenarioPlan plan, Expected ex, VmRuns.Ran r) {
        assertThat(r.verdict().outcome()).as(name + ": " + r.explain()).isNotEqualTo(Outcome.ERROR);
        assertThat(r.verdict().reasons()).as(name).noneMatch(x -> x.kind() == DetailKind.INFRASTRUCTURE);
        List<Object> bodies = r.events().stream().map(RunEvent::body).map(Object.class::cast).toList();
        assertThat(bodies).as(name + " scenario start/end").anyMatch(ScenarioStart.class::isInstance)
                .anyMatch(ScenarioEnd.class::isInstance);
        assertThat(bodies).as(name + " agent result").filteredOn(TestResult.class::isInstance)
                .singleElement().satisfies(t -> assertThat(((TestResult) t).result().passed()).as(t.toString()).isTrue());

        assertThat(r.agentLines()).as(name + " agent warnings").noneMatch(l -> l.contains("not applied"))
                .noneMatch(l -> l.startsWith("KTSTR4J_STEP_ERROR"));

        List<Stimulus> st = r.stimuli();
        assertThat(st).as(name + " one stimulus per step").hasSize(plan.steps().size());
        for (int i = 0; i < st.size(); i++) {
            Stimulus s = st.get(i);
            String at = name + " step " + i;
            assertThat(s.stepIndex()).as(at + " index").isEqualTo(i);
            assertThat(s.opCount()).as(at + " op count").isEqualTo(ex.opCounts().get(i));
            assertThat(OpKind.fromMask(s.opKinds())).as(at + " op kinds")
                    .isEqualTo(OpKind.fromMask(ex.opKinds().get(i)));
            assertThat(s.opKinds()).as(at + " op-kind mask").isEqualTo(ex.opKinds().get(i));
            assertThat(s.cgroupCount()).as(at + " live cgroups").isEqualTo(ex.cgroups().get(i));
            assertThat(s.workerCount()).as(at + " live workers").isEqualTo(ex.workers().get(i));
        }
        assertThat(st).extracting(Stimulus::elapsedMs).as(name + " stimulus times").isSorted();

        Map<String, Integer> got = new TreeMap<>();
        for (String c : r.cgroupsReported()) got.put(c, r.reportsOf(c).size());
        if (ex.exactReports())
            assertThat(got).as(name + " worker reports per cgroup").isEqualTo(ex.reports());
        for (String c : r.cgroupsReported())
            assertThat(r.reportsOf(c)).as(name + " " + c + " reports").allSatisfy(w -> {
                assertThat(w.completed()).as("completed").isTrue();
                assertThat(w.exitInfo()).isEqualTo(new ExitInfo.Exited(0));
            });
    }

    /**
     * On a topology smaller than the catalog asks for, a canned scenario is a SKIP variant with the catalog's reason,
     * and running it boots nothing. The spec's default topology (2 CPUs, 1 LLC) misses four of them.
     */
    @Test
    void scenariosThatDoNotFitAreSkippedWithoutBooting() {
        String small = "1n1l2c1t";
        Topology topo = Topology.parse(small);
        VariantRunner runner = VmRuns.runner(tmp.resolve("cache"));
        List<String> skipped = new ArrayList<>();
        for (String name : ScenarioLibrary.names()) {
            Variant v = VmRuns.variants(kernel, TestSpec.of(name, name), small, DURATION).get(0);
            var unmet = ScenarioLibrary.entry(name).orElseThrow().unmetBy(topo);
            assertThat(v.skipReason()).as(name).isEqualTo(unmet.orElse(null));
            if (unmet.isEmpty()) continue;
            skipped.add(name);
            VmRuns.Ran r = VmRuns.run(runner, v);
            assertThat(r.verdict().outcome()).as(name).isEqualTo(Outcome.SKIP);
            assertThat(r.verdict().reasons()).singleElement().satisfies(x -> {
                assertThat(x.kind()).isEqualTo(DetailKind.SKIP);
                assertThat(x.message()).isEqualTo(unmet.get());
            });
            assertThat(r.wallMs()).as(name + " no boot").isLessThan(2000);
            assertThat(r.summary().sidecar().skipped()).isTrue();
        }
        System.out.println("skipped on " + small + ": " + skipped);
        assertThat(skipped).containsExactlyInAnyOrder("steady_llc", "cpuset_resize", "cgroup_add", "cgroup_remove");
    }
}
