package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/**
 * Lifecycle, error and cleanup paths of the QEMU VM, driven by stand-in "qemu" scripts so they run in milliseconds:
 * qemu failing, qemu hanging past the watchdog, and the subscriber cancelling.
 */
class QemuVmLifecycleTest {

    @TempDir
    Path dir;

    private Path script(String body) throws Exception {
        Path q = dir.resolve("fake-qemu");
        Files.writeString(q, "#!/bin/sh\n" + body + "\n");
        q.toFile().setExecutable(true);
        return q;
    }

    private Vm vm(Path qemu, Duration watchdog) throws Exception {
        byte[] b = new byte[0x400];
        b[0x202] = 'H';
        b[0x203] = 'd';
        b[0x204] = 'r';
        b[0x205] = 'S';
        Path k = dir.resolve("bzImage");
        Files.write(k, b);
        QemuBackend backend = new QemuBackend(new QemuOptions(qemu, MachineType.AUTO, QemuOptions.Accel.TCG, null,
                dir, 1, 1_000_000));
        return backend.create(new VmConfig(k, List.of(), Topology.of(1, 1, 2, 1), 128, List.of(), 1 << 20, watchdog,
                false));
    }

    private static List<Path> ourShmFiles() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/dev/shm"))) {
            String prefix = QemuBackend.FILE_PREFIX + ProcessHandle.current().pid() + "-";
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    @Test
    void qemuFailingIsAnErrorCarryingItsOutput() throws Exception {
        try (Vm vm = vm(script("echo 'qemu-system-x86_64: -object memory-backend-file: boom' >&2; exit 1"),
                Duration.ofSeconds(30))) {
            List<VmEvent> events = vm.events().collectList().block(Duration.ofSeconds(30));
            assertThat(events.get(0)).isInstanceOf(VmCreated.class);
            VmExited exit = (VmExited) events.get(events.size() - 1);
            assertThat(exit.reason()).isEqualTo(ExitReason.ERROR);
            assertThat(exit.detail()).contains("status 1").contains("boom");
            assertThat(vm.memory().size()).isEqualTo(128L << 20); // still readable after exit, until close
        }
        assertThat(ourShmFiles()).isEmpty();
    }

    @Test
    void watchdogKillsAHungQemu() throws Exception {
        try (Vm vm = vm(script("exec sleep 600"), Duration.ofMillis(500))) {
            StepVerifier.create(vm.events().filter(e -> e instanceof VmExited))
                    .assertNext(e -> {
                        VmExited x = (VmExited) e;
                        assertThat(x.reason()).isEqualTo(ExitReason.WATCHDOG_TIMEOUT);
                        assertThat(x.detail()).contains("watchdog");
                    })
                    .expectComplete()
                    .verify(Duration.ofSeconds(30));
        }
        assertThat(ourShmFiles()).isEmpty();
    }

    @Test
    void cancellingKillsQemuAndLeavesNothingBehind() throws Exception {
        Path pidFile = dir.resolve("pid");
        Vm vm = vm(script("echo $$ > " + pidFile + "; exec sleep 600"), Duration.ofSeconds(60));
        List<VmEvent> seen = new CopyOnWriteArrayList<>();
        Disposable d = vm.events().subscribe(seen::add);
        long pid = waitForPid(pidFile);
        assertThat(ourShmFiles()).isNotEmpty();
        long t0 = System.nanoTime();
        d.dispose();
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h != null) {
            h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        long killMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(killMs).as("qemu gone after cancel (ms)").isLessThan(5000);
        assertThat(ourShmFiles()).isEmpty();
        vm.close();
        assertThat(ourShmFiles()).isEmpty();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("ktstr4j-qemu-")).toList()).isEmpty();
        }
    }

    @Test
    void closeWhileRunningEmitsCancelledAndReleasesEverything() throws Exception {
        Vm vm = vm(script("exec sleep 600"), Duration.ofSeconds(60));
        List<VmEvent> seen = new CopyOnWriteArrayList<>();
        vm.events().subscribe(seen::add);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (seen.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        vm.close();
        assertThat(seen.get(seen.size() - 1)).isInstanceOfSatisfying(VmExited.class,
                x -> assertThat(x.reason()).isEqualTo(ExitReason.CANCELLED));
        assertThat(ourShmFiles()).isEmpty();
    }

    @Test
    void eventsCanBeSubscribedOnlyOnce() throws Exception {
        try (Vm vm = vm(script("exit 0"), Duration.ofSeconds(30))) {
            vm.events().blockLast(Duration.ofSeconds(30));
            StepVerifier.create(vm.events()).expectErrorMessage(
                    "Vm.events() can be subscribed once; this VM already ran").verify(Duration.ofSeconds(5));
        }
    }

    private static long waitForPid(Path pidFile) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile)) {
                String s = Files.readString(pidFile).trim();
                if (!s.isEmpty()) {
                    return Long.parseLong(s);
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("fake qemu did not start");
    }
}
