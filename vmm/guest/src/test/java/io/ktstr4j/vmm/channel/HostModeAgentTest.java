package io.ktstr4j.vmm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.GuestExit;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.schemas.event.InitStage;
import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.TestResult;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.vmm.initramfs.InitramfsBuilder;
import io.ktstr4j.vmm.mem.MappedGuestMemory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real static agent (built by Maven from src/main/c/agent) in host mode: a process, no VM. */
class HostModeAgentTest {

    @TempDir
    static Path tmp;
    static Path agent;

    @BeforeAll
    static void extractAgent() throws IOException {
        Assumptions.assumeTrue(InitramfsBuilder.class.getClassLoader().getResource(InitramfsBuilder.AGENT_RESOURCE)
                != null, "agent binary not on the classpath (build vmm with Maven: it runs gcc)");
        agent = tmp.resolve("ktstr4j-agent");
        Files.write(agent, InitramfsBuilder.packagedAgent());
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Path plan(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    private static Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(agent.toString(), "--host"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(tmp.resolve("stderr-" + System.nanoTime()).toFile()).start();
    }

    @Test
    void trivialPlanStreamsMessagesInOrderWithValidCrcs() throws Exception {
        Path p = plan("t1.plan", "ktstr4j-plan trivial\nsleep_ms 20\n# a comment\nstimulus\nfail Stuck worker 3 stuck\n");
        Process proc = start("--plan", p.toString());
        byte[] out = proc.getInputStream().readAllBytes();
        assertThat(proc.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(proc.exitValue()).isEqualTo(1); // the plan recorded a failure

        List<GuestMessage> got = new ArrayList<>();
        TlvDecoder.decodeStream(new ByteArrayInputStream(out), got::add);
        assertThat(got).noneMatch(m -> m instanceof ChannelError);
        assertThat(got).hasSize(9);
        assertThat(got.subList(0, 3)).containsExactly(new InitStage("INIT_STARTED"), new InitStage("PAYLOAD_STARTING"),
                new ScenarioStart());
        for (int i = 0; i < 3; i++) {
            Stimulus s = (Stimulus) got.get(3 + i);
            assertThat(s.stepIndex()).isEqualTo(i);
            assertThat(s.opCount()).isEqualTo(1);
        }
        assertThat(((Stimulus) got.get(4)).elapsedMs()).isGreaterThanOrEqualTo(20);
        assertThat(got.get(6)).isInstanceOf(ScenarioEnd.class);
        TestResult r = (TestResult) got.get(7);
        assertThat(r.result().passed()).isFalse();
        assertThat(r.result().details()).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(DetailKind.STUCK);
            assertThat(d.message()).isEqualTo("worker 3 stuck");
        });
        assertThat(got.get(8)).isEqualTo(new GuestExit(1));
    }

    @Test
    void unknownPlanKindFailsWithAClearMessage() throws Exception {
        Path p = plan("bad.plan", "something else\n");
        Process proc = start("--plan", p.toString());
        byte[] out = proc.getInputStream().readAllBytes();
        assertThat(proc.waitFor(20, TimeUnit.SECONDS)).isTrue();
        List<GuestMessage> got = new ArrayList<>();
        TlvDecoder.decodeStream(new ByteArrayInputStream(out), got::add);
        TestResult r = (TestResult) got.stream().filter(m -> m instanceof TestResult).findFirst().orElseThrow();
        assertThat(r.result().details().get(0).message()).contains("bad.plan").contains("ktstr4j-plan trivial");
        assertThat(got.get(got.size() - 1)).isEqualTo(new GuestExit(2));
    }

    /** A guest that floods the ring: the host drains concurrently; every message is either read or counted dropped. */
    @Test
    void floodingAgentIsAccountedForAndNeverOverrunsTheHost() throws Exception {
        int flood = 300_000;
        long size = 64 * 1024;
        Path ring = tmp.resolve("flood.ring");
        Files.write(ring, new byte[(int) size]);
        try (MappedGuestMemory mem = MappedGuestMemory.map(List.of(new MappedGuestMemory.Region(0, size, ring, 0)))) {
            ShmLayout.initHeader(mem, 0, size);
            RingReader reader = new RingReader(mem, 0, size, 4096);
            Process proc = start("--plan", plan("flood.plan", "ktstr4j-plan trivial\nflood " + flood + "\n").toString(),
                    "--out", ring.toString());
            List<GuestMessage> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (proc.isAlive() && System.nanoTime() < deadline) {
                got.addAll(reader.drain());
                Thread.onSpinWait();
            }
            assertThat(proc.waitFor(5, TimeUnit.SECONDS)).isTrue();
            got.addAll(reader.drainAll());

            assertThat(reader.errorCounts()).containsOnlyKeys("ring_drops");
            List<Stimulus> floodStims = got.stream().filter(m -> m instanceof Stimulus s && s.opCount() == 0)
                    .map(m -> (Stimulus) m).toList();
            long drops = reader.drops();
            assertThat(drops).isPositive();
            // Everything sent is either received or dropped: the flood plus at most SCEN, step STIM, TEST and EXIT.
            assertThat(floodStims.size() + drops).isBetween((long) flood, flood + 4L);
            for (int i = 1; i < floodStims.size(); i++) { // order kept across drains and wraps
                assertThat(floodStims.get(i).totalIterations()).isGreaterThan(floodStims.get(i - 1).totalIterations());
            }
        }
    }

    @Test
    void sigtermStopsThePlanAndRemovesTheCgroupSandbox() throws Exception {
        Path p = plan("long.plan", "ktstr4j-plan trivial\nsleep_ms 60000\n");
        Path err = tmp.resolve("sigterm.err");
        Path out = tmp.resolve("sigterm.out"); // a file: destroy() closes the pipe streams
        Process proc = new ProcessBuilder(agent.toString(), "--host", "--plan", p.toString())
                .redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        Pattern root = Pattern.compile("KTSTR4J_HOST_CGROUP root=(\\S+)");
        String sandbox = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sandbox == null && System.nanoTime() < deadline) {
            Matcher m = root.matcher(Files.readString(err, StandardCharsets.UTF_8));
            if (m.find()) {
                sandbox = m.group(1);
            } else {
                Thread.sleep(10);
            }
        }
        assertThat(sandbox).as("agent announced its cgroup").isNotNull();
        boolean hasSandbox = !sandbox.equals("(none)");
        if (hasSandbox) {
            assertThat(Path.of(sandbox)).isDirectory();
        }
        proc.destroy(); // SIGTERM
        assertThat(proc.waitFor(10, TimeUnit.SECONDS)).as("agent stops within 10 s of SIGTERM").isTrue();
        List<GuestMessage> got = new ArrayList<>();
        try (var in = Files.newInputStream(out)) {
            TlvDecoder.decodeStream(in, got::add);
        }
        assertThat(got).last().isInstanceOf(GuestExit.class);
        if (hasSandbox) {
            assertThat(Path.of(sandbox)).doesNotExist();
        }
        Assumptions.assumeTrue(hasSandbox, "no cgroup2 mount on this host: sandbox removal not checked");
    }
}
