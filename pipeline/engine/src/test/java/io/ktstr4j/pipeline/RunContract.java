package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.FailureReport;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunVerdict;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.event.WorkerReports;
import io.ktstr4j.schemas.report.WorkerReport;
import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.channel.GuestLink;
import io.ktstr4j.vmm.initramfs.CpioWriter;
import io.ktstr4j.vmm.initramfs.GuestImage;
import io.ktstr4j.vmm.initramfs.InitramfsGuestImage;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run end to end on the shared 6.12 sched_ext kernel: the real agent, plan, SHM channel, checks and verdict; one
 * VM boot per test. The same checks for every backend: {@link RunE2ETest} (QEMU, TCG here) and {@link RunKvmRigTest}
 * (the Java VMM, inside ../shared/rig/kvm-rig).
 */
abstract class RunContract {

    static Path kernel;
    @TempDir
    Path tmp;

    @BeforeAll
    static void needsKernel() {
        kernel = Defaults.kernel().orElse(null);
        Assumptions.assumeTrue(kernel != null, "no kernel: set KTSTR4J_KERNEL or provide "
                + "../shared/kernels/6.12.117-scx/bzImage next to the project");
    }

    /** The backend under test. */
    abstract VmBackend backend();

    /** Whether a run that ended this way says nothing about the code under test and is run again. None by default. */
    boolean runAgain(VmExited exit, int attempt) {
        return false;
    }

    /**
     * Whether a run in which this SCHED_FIFO spinner reported itself stuck says nothing about the guest and is run
     * again: the guest kernel never takes the CPU from a lone FIFO spinner for long (RT throttling lends ~50 ms a
     * second), so a long gap of its own means the host did not run the vCPU. Never by default.
     */
    boolean hostStarvedTheVcpu(WorkerReport fifoSpinner, int attempt) {
        return false;
    }

    /**
     * Whether a healthy run that failed only on fairness says nothing about the guest's scheduler and is run again:
     * where the host gives the vCPUs unequal time, workers on different vCPUs get unequal CPU whatever the guest does.
     * Never by default.
     */
    boolean hostSkewedTheVcpus(Verdict verdict, int attempt) {
        return false;
    }

    VariantRunner runner(GuestImage image) {
        return new VariantRunner(backend(), image, GuestLink.Factory.RING, MonitorSource.NONE,
                Clock.systemUTC(), VariantRunner.DEFAULT_BUFFER, false);
    }

    static List<Variant> plan(TestSpec spec, String topology, String scheduler) {
        VariantPlanner planner = new VariantPlanner(new DefaultPlanCompiler(cliCompiler()));
        return planner.plan(spec, new VariantPlanner.Overrides(List.of(topology), scheduler, List.of(),
                Duration.ofSeconds(2), 512L, Duration.ofSeconds(90), ThresholdMode.RELEASE, kernel, List.of()));
    }

    /** The CLI's scenario-engine compiler (package-private there); reached through a tiny public hook. */
    static PlanCompiler cliCompiler() {
        return io.ktstr4j.pipeline.ScenarioEngine.compiler();
    }

    record Ran(Verdict verdict, List<RunEvent> events, RunSummary summary) {
        FailureReport report() {
            return events.stream().map(RunEvent::body).filter(FailureReport.class::isInstance)
                    .map(FailureReport.class::cast).findFirst().orElse(null);
        }

        List<WorkerReport> reportsOf(String cgroup) {
            return events.stream().map(RunEvent::body).filter(WorkerReports.class::isInstance)
                    .map(WorkerReports.class::cast).filter(w -> w.cgroup().equals(cgroup))
                    .flatMap(w -> w.reports().stream()).toList();
        }

        String explain() {
            return verdict + "\nconsole tail: " + (report() == null ? "-" : String.join("\n", report().consoleTail()));
        }
    }

    Ran run(VariantRunner r, Variant v) {
        for (int attempt = 1; ; attempt++) {
            AtomicReference<RunSummary> s = new AtomicReference<>();
            List<RunEvent> events = r.run(v, s::set).collectList().block(Duration.ofMinutes(5));
            Verdict verdict = events.stream().map(RunEvent::body).filter(RunVerdict.class::isInstance)
                    .map(b -> ((RunVerdict) b).verdict()).findFirst().orElseThrow();
            VmExited exit = events.stream().map(RunEvent::body).filter(VmExited.class::isInstance)
                    .map(VmExited.class::cast).findFirst().orElse(null);
            if (exit == null || !runAgain(exit, attempt)) {
                return new Ran(verdict, events, s.get());
            }
            System.out.println("running again after attempt " + attempt + " ended by " + exit);
        }
    }

    @Test
    void healthySteadyScenarioPassesUnderEevdf() {
        Variant v = plan(TestSpec.of("steady", "steady"), "tiny-2llc", null).get(0);
        assertThat(v.key()).isEqualTo("steady/tiny-2llc/eevdf");
        Ran r = run(runner(new InitramfsGuestImage(tmp.resolve("cache"), null)), v);
        for (int attempt = 1; hostSkewedTheVcpus(r.verdict(), attempt); attempt++) {
            System.out.println("running again: unfair in attempt " + attempt + " where the host skews the vCPUs: "
                    + r.verdict().reasons());
            r = run(runner(new InitramfsGuestImage(tmp.resolve("cache"), null)), v);
        }
        assertThat(r.verdict().outcome()).as(r.explain()).isEqualTo(Outcome.PASS);
        assertThat(r.summary().sidecar().stats().totalWorkers()).isEqualTo(4);
    }

    /**
     * A SCHED_FIFO spinner and a normal worker pinned to the same CPU (canned rt_starvation). The kernel lends the
     * normal worker about 50 ms per second (fair server, RT throttling), so its report shows ~950 ms gaps or no work at
     * all; with ktstr's default gap limit (2000 ms) that would still pass, so the test sets 500 ms, as a test that
     * knows its workload would.
     */
    @Test
    void starvingSetupFailsWithTheRightReason() {
        TestSpec spec = io.ktstr4j.schemas.json.Json.read(
                "{\"name\":\"rt_starvation\",\"scenario\":\"rt_starvation\",\"assert\":{\"max_gap_ms\":500}}",
                TestSpec.class, "rt_starvation spec");
        Variant v = plan(spec, "tiny-2llc", null).get(0);
        Ran r = run(runner(new InitramfsGuestImage(tmp.resolve("cache"), null)), v);
        for (int attempt = 1; hostStarvedTheVcpu(r.reportsOf("cg_rt").get(0), attempt); attempt++) {
            System.out.println("running again: the host starved the FIFO spinner's vCPU in attempt " + attempt + ": "
                    + r.reportsOf("cg_rt").get(0));
            r = run(runner(new InitramfsGuestImage(tmp.resolve("cache"), null)), v);
        }
        WorkerReport victim = r.reportsOf("cg_victim").get(0);
        WorkerReport rt = r.reportsOf("cg_rt").get(0);
        System.out.printf("vm rt_starvation: victim work_units %d cpu %d ms of %d ms wall, max_gap %d ms on cpu%d at +%d ms;"
                        + " FIFO spinner cpu %d ms of %d ms wall; verdict %s %s%n", victim.workUnits(),
                victim.cpuTimeNs() / 1_000_000, victim.wallTimeNs() / 1_000_000, victim.maxGapMs(), victim.maxGapCpu(),
                victim.maxGapAtMs(), rt.cpuTimeNs() / 1_000_000, rt.wallTimeNs() / 1_000_000, r.verdict().outcome(),
                r.verdict().reasons());
        assertThat(victim.workUnits() == 0 || victim.maxGapMs() >= 500).as("victim starved or stalled: %s", victim)
                .isTrue();
        assertThat(victim.cpusUsed()).containsExactly(1);
        assertThat(rt.cpuTimeNs()).as("the FIFO spinner keeps CPU 1").isGreaterThan(rt.wallTimeNs() * 8 / 10);

        assertThat(r.verdict().outcome()).as(r.explain()).isEqualTo(Outcome.FAIL);
        assertThat(r.verdict().reasons()).anySatisfy(reason -> {
            assertThat(reason.kind()).isIn(DetailKind.STARVED, DetailKind.STUCK);
            assertThat(reason.message()).contains("cg_victim");
        });
        assertThat(r.report()).isNotNull();
    }

    @Test
    void killingTheSchedulerMidRunFailsWithSchedulerDied() throws Exception {
        Path plan = Files.writeString(tmp.resolve("kill.plan"),
                "ktstr4j-plan trivial\nsleep_ms 500\nkill_scheduler\nsleep_ms 1500\n");
        Path simple = kernel.toAbsolutePath().getParent().resolve("scx/scx_simple");
        Assumptions.assumeTrue(Files.isRegularFile(simple), "no scx_simple next to the kernel");
        Variant v = plan(TestSpec.of("kill", DefaultPlanCompiler.PLAN_FILE_PREFIX + plan), "tiny-1llc",
                simple.toString()).get(0);
        assertThat(v.scheduler().isSchedExt()).isTrue();
        Ran r = run(runner(new InitramfsGuestImage(tmp.resolve("cache"), null)), v);
        r.events().stream().map(RunEvent::body).filter(b -> b instanceof io.ktstr4j.schemas.event.WorkerReports)
                .forEach(b -> System.out.println("REPORT " + b));
        r.events().stream().map(RunEvent::body).filter(b -> b instanceof io.ktstr4j.schemas.event.ConsoleLine c && c.port().equals("com2"))
                .forEach(b -> System.out.println("COM2 " + ((io.ktstr4j.schemas.event.ConsoleLine) b).line()));
        assertThat(r.verdict().outcome()).as(r.explain()).isEqualTo(Outcome.FAIL);
        assertThat(r.verdict().reasons()).extracting(Reason::kind).contains(DetailKind.SCHEDULER_DIED);
    }

    @Test
    void kernelThatNeverReachesInitIsAnErrorWithTheConsoleTail() throws Exception {
        // An initramfs without /init: the kernel finds no init and panics (panic=-1 + -no-reboot end QEMU).
        Path empty = tmp.resolve("no-init.cpio");
        try (OutputStream o = Files.newOutputStream(empty); CpioWriter w = new CpioWriter(o)) {
            w.file("not-init", 0644, "nothing to run".getBytes(StandardCharsets.UTF_8));
        }
        Variant v = plan(TestSpec.of("noinit", "steady"), "tiny-1llc", null).get(0);
        Ran r = run(runner(x -> List.of(empty)), v);
        assertThat(r.verdict().outcome()).as(r.explain()).isEqualTo(Outcome.ERROR);
        assertThat(r.verdict().reasons().get(0).kind()).isEqualTo(DetailKind.INFRASTRUCTURE);
        assertThat(r.verdict().reasons().get(0).message()).contains("never reached init");
        assertThat(r.report().consoleTail()).isNotEmpty();
        assertThat(String.join("\n", r.report().consoleTail())).containsIgnoringCase("panic");
    }
}
