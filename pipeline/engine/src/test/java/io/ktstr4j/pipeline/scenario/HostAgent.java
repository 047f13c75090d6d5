package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.TestResult;
import io.ktstr4j.schemas.event.WorkerReports;
import io.ktstr4j.schemas.report.WorkerReport;
import io.ktstr4j.vmm.channel.TlvDecoder;
import io.ktstr4j.vmm.initramfs.InitramfsBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/** Runs the packaged guest agent in host mode ({@code --host --plan FILE}) and decodes its message stream. */
final class HostAgent {
    private static Path binary;

    private HostAgent() {}

    /** Skips the calling test unless the agent binary is packaged and we can make cgroups (root, cgroup2). */
    static Path requireAgent() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "host-mode scenarios create cgroups and need root");
        Assumptions.assumeTrue(Files.readString(Path.of("/proc/self/mountinfo")).contains(" - cgroup2 "),
                "host-mode scenarios need a cgroup2 mount");
        synchronized (HostAgent.class) {
            if (binary == null) {
                byte[] bytes;
                try {
                    bytes = InitramfsBuilder.packagedAgent();
                } catch (RuntimeException e) {
                    Assumptions.abort("the vmm jar has no packaged agent (" + e.getMessage() + ")");
                    throw e;
                }
                Path p = Files.createTempFile("ktstr4j-agent", "");
                Files.write(p, bytes);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
                p.toFile().deleteOnExit();
                binary = p;
            }
            return binary;
        }
    }

    record Run(int exitCode, List<GuestMessage> messages, String stderr) {
        List<Stimulus> stimuli() {
            return messages.stream().filter(Stimulus.class::isInstance).map(Stimulus.class::cast).toList();
        }

        List<WorkerReports> reports() {
            return messages.stream().filter(WorkerReports.class::isInstance).map(WorkerReports.class::cast).toList();
        }

        /** All reports of one cgroup (WREPs of the same cgroup concatenated). */
        List<WorkerReport> reportsOf(String cgroup) {
            return reports().stream().filter(r -> r.cgroup().equals(cgroup)).flatMap(r -> r.reports().stream()).toList();
        }

        Optional<TestResult> result() {
            return messages.stream().filter(TestResult.class::isInstance).map(TestResult.class::cast).findFirst();
        }

        String kinds() {
            return messages.stream().map(m -> m.getClass().getSimpleName()).collect(Collectors.joining(","));
        }
    }

    /** Assertions over one run. */
    interface RunChecks {
        void check(Run run) throws Exception;
    }

    /**
     * Runs the plan and checks it. The shared 2-core host stalls a CPU for up to about half a second now and then
     * (measured with a pinned spinner while other VM runs were busy: 2-3 gaps over 300 ms per CPU in 20 s), and a
     * worker caught by one barely runs in its step. When the checks fail and some worker was kept off the CPU for at
     * least {@code stallMs} (its max_gap_ms, which counts the wait from release to first run) or did no work at all,
     * the run is repeated, up to {@code attempts} times in all. Intended blocking does not count as a gap, so a
     * deadlocked or hung worker is not retried away.
     */
    static Run runChecked(String planText, Duration timeout, long stallMs, int attempts, RunChecks checks)
            throws Exception {
        for (int attempt = 1; ; attempt++) {
            Run run = run(planText, timeout);
            List<WorkerReport> stalled = run.reports().stream().flatMap(r -> r.reports().stream())
                    .filter(r -> r.workUnits() == 0 || r.maxGapMs() >= stallMs).toList();
            try {
                checks.check(run);
                return run;
            } catch (AssertionError e) {
                if (stalled.isEmpty() || attempt >= attempts) throw e;
                System.err.printf("attempt %d: %d worker(s) stalled by the host (tid %d: max_gap %d ms, %d work units;"
                                + " load %s) and the checks failed (%s); running the plan again%n", attempt,
                        stalled.size(), stalled.get(0).tid(), stalled.get(0).maxGapMs(), stalled.get(0).workUnits(),
                        Files.readString(Path.of("/proc/loadavg")).strip(),
                        e.getMessage().strip().lines().findFirst().orElse(""));
            }
        }
    }

    static Run run(String planText, Duration timeout) throws IOException, InterruptedException {
        Path agent = requireAgent();
        Path plan = Files.createTempFile("ktstr4j-plan", ".txt");
        Path out = Files.createTempFile("ktstr4j-out", ".tlv");
        Path err = Files.createTempFile("ktstr4j-err", ".txt");
        try {
            Files.writeString(plan, planText);
            Process p = new ProcessBuilder(agent.toString(), "--host", "--plan", plan.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy(); // SIGTERM: the agent winds down and removes its cgroup sandbox
                if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
                throw new AssertionError("agent did not finish within " + timeout + "; stderr:\n" + Files.readString(err));
            }
            List<GuestMessage> msgs = new ArrayList<>();
            TlvDecoder.decodeStream(new ByteArrayInputStream(Files.readAllBytes(out)), msgs::add);
            return new Run(p.exitValue(), msgs, Files.readString(err));
        } finally {
            Files.deleteIfExists(plan);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
