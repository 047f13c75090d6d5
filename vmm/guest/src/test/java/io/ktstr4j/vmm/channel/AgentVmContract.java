package io.ktstr4j.vmm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.GuestExit;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.schemas.event.InitStage;
import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.SchedExit;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.TestResult;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.VmConfig;
import io.ktstr4j.vmm.initramfs.InitramfsBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Sinks;

/**
 * The agent as PID 1 of a real guest (the shared kernel): messages over the SHM ring, exit, reboot, a scheduler's
 * attach and death. The same checks for every backend: {@link AgentVmE2ETest} (QEMU, in CI) and
 * {@code io.ktstr4j.vmm.kvm.AgentKvmRigTest} (the Java VMM, inside ../shared/rig/kvm-rig).
 */
public abstract class AgentVmContract {
    static final Path KERNEL = Path.of("/work/shared/kernels/6.12.117-scx/bzImage");
    static final Path SCX_SIMPLE = Path.of("/work/shared/kernels/6.12.117-scx/scx/scx_simple");

    @TempDir
    Path dir;

    @BeforeAll
    static void requirements() {
        Assumptions.assumeTrue(Files.isReadable(KERNEL), "no kernel at " + KERNEL);
        Assumptions.assumeTrue(InitramfsBuilder.class.getClassLoader().getResource(InitramfsBuilder.AGENT_RESOURCE)
                != null, "agent binary not built (build vmm with Maven)");
    }

    /** The backend under test. */
    protected abstract VmBackend backend();

    /**
     * Whether a boot that ended this way says nothing about the code under test and is booted again (attempt counts
     * from 1). None by default: a failure is a failure.
     */
    protected boolean bootAgain(VmExited exit, int attempt) {
        return false;
    }

    protected record Run(List<VmEvent> events, List<GuestMessage> messages, RingReader reader) {
        List<String> com2() {
            return events.stream().filter(e -> e instanceof ConsoleLine c && c.port().equals(ConsoleLine.COM2))
                    .map(e -> ((ConsoleLine) e).line()).toList();
        }

        VmExited exit() {
            return (VmExited) events.get(events.size() - 1);
        }

        List<GuestMessage> withoutStages() {
            return messages.stream().filter(m -> !(m instanceof InitStage)).toList();
        }
    }

    private Run boot(InitramfsBuilder builder) throws Exception {
        InitramfsBuilder.Initramfs initramfs = builder.suffixDir(dir).build();
        VmConfig cfg = new VmConfig(KERNEL, initramfs.archives(), Topology.of(1, 1, 2, 1), 256, List.of(),
                VmConfig.DEFAULT_SHM_BYTES, Duration.ofSeconds(120), false);
        for (int attempt = 1; ; attempt++) {
            Run run = bootOnce(cfg);
            if (!bootAgain(run.exit(), attempt)) {
                return run;
            }
            System.out.println("booting again after attempt " + attempt + " ended by " + run.exit());
        }
    }

    private Run bootOnce(VmConfig cfg) throws Exception {
        List<GuestMessage> messages = new CopyOnWriteArrayList<>();
        RingReader[] reader = new RingReader[1];
        CountDownLatch drained = new CountDownLatch(1);
        Sinks.One<Boolean> exited = Sinks.one();
        try (Vm vm = backend().create(cfg)) {
            List<VmEvent> events = vm.events().doOnNext(e -> {
                if (e instanceof VmCreated) { // guest memory is valid from here
                    reader[0] = new RingReader(vm.memory(), vm.shm());
                    reader[0].initializeHeader();
                    reader[0].messages(exited.asMono()).doFinally(s -> drained.countDown()).subscribe(messages::add);
                } else if (e instanceof VmExited) {
                    exited.tryEmitValue(true);
                }
            }).collectList().block(Duration.ofMinutes(4));
            // Generous: in the KVM rig the first decode loads Jackson's classes over 9p on a JVM pinned to one rig
            // CPU, which took over 10 s there (a thread dump showed it); on a normal host this takes milliseconds.
            boolean done = drained.await(2, TimeUnit.MINUTES);
            if (!done) { // show where the reader is stuck
                Thread.getAllStackTraces().forEach((t, st) -> {
                    System.out.println("THREAD " + t.getName() + " " + t.getState());
                    for (StackTraceElement e : st) {
                        System.out.println("    at " + e);
                    }
                });
            }
            assertThat(done).as("final drain done; %d messages %s; events %s",
                    messages.size(), messages, events).isTrue();
            return new Run(events, List.copyOf(messages), reader[0]);
        }
    }

    @Test
    void trivialPlanReportsInOrderAndTheVmEndsByReboot() throws Exception {
        Run run = boot(InitramfsBuilder.withCache(dir.resolve("cache"))
                .plan("ktstr4j-plan trivial\nsleep_ms 300\nstimulus\n"));
        assertThat(run.exit().reason()).as("%s / COM2 %s", run.exit().detail(), run.com2()).isEqualTo(ExitReason.REBOOT);
        assertThat(run.exit().exitCode()).isEqualTo(0);
        assertThat(run.com2()).contains("KTSTR_EXIT=0");
        assertThat(run.messages()).noneMatch(m -> m instanceof ChannelError); // every CRC checked out
        assertThat(run.messages().subList(0, 2)).containsExactly(new InitStage("INIT_STARTED"),
                new InitStage("PAYLOAD_STARTING"));
        List<GuestMessage> m = run.withoutStages();
        assertThat(m).hasSize(6);
        assertThat(m.get(0)).isEqualTo(new ScenarioStart());
        assertThat(((Stimulus) m.get(1)).stepIndex()).isZero();
        assertThat(((Stimulus) m.get(2)).stepIndex()).isEqualTo(1);
        assertThat(((Stimulus) m.get(2)).elapsedMs()).isGreaterThanOrEqualTo(300);
        assertThat(((ScenarioEnd) m.get(3)).elapsedMs()).isGreaterThanOrEqualTo(300);
        assertThat(((TestResult) m.get(4)).result().passed()).isTrue();
        assertThat(m.get(5)).isEqualTo(new GuestExit(0));
        assertThat(run.reader().messagesRead()).isEqualTo(run.messages().size());
    }

    @Test
    void scxSimpleAttachesAndItsDeathIsReportedAtOnce() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(SCX_SIMPLE), "no scx_simple at " + SCX_SIMPLE);
        Run run = boot(InitramfsBuilder.withCache(dir.resolve("cache"))
                .scheduler(SCX_SIMPLE, List.of(), "simple")
                .plan("ktstr4j-plan trivial\nsleep_ms 200\nkill_scheduler_after_ms 300\nsleep_ms 2000\n"));
        List<String> com2 = run.com2();
        assertThat(run.exit().reason()).as("%s / COM2 %s", run.exit().detail(), com2).isEqualTo(ExitReason.REBOOT);
        assertThat(com2).contains("KTSTR4J_SCHED_ATTACHED ops=simple", "===SCHED_OUTPUT_START===");
        assertThat(run.messages()).contains(new InitStage("SCHED_STARTED"));
        assertThat(run.messages()).noneMatch(m -> m instanceof ChannelError);

        List<GuestMessage> m = run.withoutStages();
        int kill = indexOf(m, s -> s instanceof Stimulus st && st.stepIndex() == 1);
        int died = indexOf(m, s -> s instanceof SchedExit);
        int last = indexOf(m, s -> s instanceof Stimulus st && st.stepIndex() == 2);
        assertThat(died).as("SCHED_EXIT in %s; COM2 %s", m, com2).isPositive();
        // reported while the plan was still running: before the step after the kill finished (2 s: a SIGKILLed
        // sched_ext scheduler exits only once the kernel has disabled it, which is slow in the nested KVM rig)
        assertThat(died).isLessThan(last);
        assertThat(kill).isPositive();
        assertThat(((SchedExit) m.get(died)).code()).isEqualTo(128 + 9);
        TestResult r = (TestResult) m.stream().filter(x -> x instanceof TestResult).findFirst().orElseThrow();
        assertThat(r.result().passed()).isFalse();
        assertThat(r.result().details()).anyMatch(d -> d.kind() == DetailKind.SCHEDULER_DIED);
        assertThat(m.get(m.size() - 1)).isEqualTo(new GuestExit(1));
        assertThat(run.exit().exitCode()).isEqualTo(1);
    }

    private static int indexOf(List<GuestMessage> m, java.util.function.Predicate<GuestMessage> p) {
        for (int i = 0; i < m.size(); i++) {
            if (p.test(m.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
