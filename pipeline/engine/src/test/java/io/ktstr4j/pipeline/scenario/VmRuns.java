package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.pipeline.DefaultPlanCompiler;
import io.ktstr4j.pipeline.Defaults;
import io.ktstr4j.pipeline.MonitorSource;
import io.ktstr4j.pipeline.RunSummary;
import io.ktstr4j.pipeline.ScenarioEngine;
import io.ktstr4j.pipeline.Variant;
import io.ktstr4j.pipeline.VariantPlanner;
import io.ktstr4j.pipeline.VariantRunner;
import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.FailureReport;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunVerdict;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.WorkerReports;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.report.WorkerReport;
import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.verdict.Verdict;
import io.ktstr4j.vmm.channel.GuestLink;
import io.ktstr4j.vmm.initramfs.InitramfsGuestImage;
import io.ktstr4j.vmm.qemu.QemuBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;

/**
 * Real VM runs for the scenario tests: the CLI's wiring (QEMU backend, TCG here; initramfs with the real agent; SHM
 * ring; scenario-engine plan compiler; checks and verdict), one boot per {@link #run}.
 */
final class VmRuns {
    private VmRuns() {}

    /** The shared sched_ext 6.12 kernel; skips the calling test (readable reason) without it or without qemu. */
    static Path requireVm() {
        Path kernel = Defaults.kernel().orElse(null);
        Assumptions.assumeTrue(kernel != null, "no kernel: set KTSTR4J_KERNEL or provide "
                + "../shared/kernels/6.12.117-scx/bzImage next to the project");
        Assumptions.assumeTrue(QemuBackend.findQemu().isPresent(), "qemu-system-x86_64 is not installed");
        return kernel;
    }

    static VariantRunner runner(Path cacheDir) {
        return new VariantRunner(new QemuBackend(), new InitramfsGuestImage(cacheDir, null), GuestLink.Factory.RING,
                MonitorSource.NONE, Clock.systemUTC(), VariantRunner.DEFAULT_BUFFER, false);
    }

    /** A spec running an inline plan, with extra spec fields as JSON members (e.g. {@code "assert": {...}}). */
    static TestSpec inlineSpec(String name, ScenarioPlan plan, String extraMembers) {
        String json = "{\"name\":\"" + name + "\",\"plan\":" + Json.write(plan)
                + (extraMembers == null || extraMembers.isBlank() ? "" : "," + extraMembers) + "}";
        return Json.read(json, TestSpec.class, name);
    }

    /** The spec's variants on one topology preset under EEVDF, with the given scenario duration. */
    static List<Variant> variants(Path kernel, TestSpec spec, String preset, Duration duration) {
        VariantPlanner planner = new VariantPlanner(new DefaultPlanCompiler(ScenarioEngine.compiler()));
        return planner.plan(spec, new VariantPlanner.Overrides(List.of(preset), null, List.of(), duration, 512L,
                Duration.ofSeconds(90), ThresholdMode.RELEASE, kernel, List.of()));
    }

    record Ran(Verdict verdict, List<RunEvent> events, RunSummary summary, long wallMs) {
        List<Stimulus> stimuli() {
            return events.stream().map(RunEvent::body).filter(Stimulus.class::isInstance).map(Stimulus.class::cast)
                    .toList();
        }

        /** All reports of one cgroup (its WREPs concatenated). */
        List<WorkerReport> reportsOf(String cgroup) {
            return events.stream().map(RunEvent::body).filter(WorkerReports.class::isInstance)
                    .map(WorkerReports.class::cast).filter(r -> r.cgroup().equals(cgroup))
                    .flatMap(r -> r.reports().stream()).toList();
        }

        List<String> cgroupsReported() {
            return events.stream().map(RunEvent::body).filter(WorkerReports.class::isInstance)
                    .map(b -> ((WorkerReports) b).cgroup()).distinct().toList();
        }

        FailureReport report() {
            return events.stream().map(RunEvent::body).filter(FailureReport.class::isInstance)
                    .map(FailureReport.class::cast).findFirst().orElse(null);
        }

        /** The agent's own lines on COM2 (KTSTR4J_STEP ..., warnings). */
        List<String> agentLines() {
            return events.stream().map(RunEvent::body).filter(ConsoleLine.class::isInstance).map(ConsoleLine.class::cast)
                    .filter(c -> ConsoleLine.COM2.equals(c.port())).map(ConsoleLine::line).toList();
        }

        String explain() {
            return verdict + "\nagent: " + String.join("\n  ", agentLines()) + "\nconsole tail: "
                    + (report() == null ? "-" : String.join("\n", report().consoleTail()));
        }
    }

    static Ran run(VariantRunner r, Variant v) {
        AtomicReference<RunSummary> s = new AtomicReference<>();
        long t0 = System.nanoTime();
        List<RunEvent> events = r.run(v, s::set).collectList().block(Duration.ofMinutes(5));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Verdict verdict = events.stream().map(RunEvent::body).filter(RunVerdict.class::isInstance)
                .map(b -> ((RunVerdict) b).verdict()).findFirst().orElseThrow();
        return new Ran(verdict, events, s.get(), ms);
    }
}
