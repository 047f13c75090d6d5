package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /** The VM's guest RAM files that exist now (the folder itself goes when the VM's thread ends). */
    private static List<Path> ourShmFiles(Vm vm) throws Exception {
        Path d = ((QemuVm) vm).ramDir();
        if (!Files.exists(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().startsWith("ram-")).toList();
        }
    }

    private static void assertFolderGone(Vm vm) {
        assertThat(((QemuVm) vm).ramDir()).as("the VM's private folder").doesNotExist();
    }

    @Test
    void qemuFailingIsAnErrorCarryingItsOutput() throws Exception {
        Vm vm = vm(script("echo 'qemu-system-x86_64: -object memory-backend-file: boom' >&2; exit 1"),
                Duration.ofSeconds(30));
        try (vm) {
            List<VmEvent> events = vm.events().collectList().block(Duration.ofSeconds(30));
            assertThat(events.get(0)).isInstanceOf(VmCreated.class);
            VmExited exit = (VmExited) events.get(events.size() - 1);
            assertThat(exit.reason()).isEqualTo(ExitReason.ERROR);
            assertThat(exit.detail()).contains("status 1").contains("boom");
            assertThat(vm.memory().size()).isEqualTo(128L << 20); // still readable after exit, until close
        }
        assertThat(ourShmFiles(vm)).isEmpty();
        assertFolderGone(vm);
    }

    @Test
    void watchdogKillsAHungQemu() throws Exception {
        Vm vm = vm(script("exec sleep 600"), Duration.ofMillis(500));
        try (vm) {
            StepVerifier.create(vm.events().filter(e -> e instanceof VmExited))
                    .assertNext(e -> {
                        VmExited x = (VmExited) e;
                        assertThat(x.reason()).isEqualTo(ExitReason.WATCHDOG_TIMEOUT);
                        assertThat(x.detail()).contains("watchdog");
                    })
                    .expectComplete()
                    .verify(Duration.ofSeconds(30));
        }
        assertThat(ourShmFiles(vm)).isEmpty();
    }

    @Test
    void cancellingKillsQemuAndLeavesNothingBehind() throws Exception {
        Path pidFile = dir.resolve("pid");
        Vm vm = vm(script("echo $$ > " + pidFile + "; exec sleep 600"), Duration.ofSeconds(60));
        List<VmEvent> seen = new CopyOnWriteArrayList<>();
        Disposable d = vm.events().subscribe(seen::add);
        long pid = waitForPid(pidFile);
        assertThat(ourShmFiles(vm)).isNotEmpty();
        long t0 = System.nanoTime();
        d.dispose();
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h != null) {
            h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        long killMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(killMs).as("qemu gone after cancel (ms)").isLessThan(5000);
        assertThat(ourShmFiles(vm)).isEmpty();
        vm.close();
        assertThat(ourShmFiles(vm)).isEmpty();
        assertFolderGone(vm);
        try (Stream<Path> s = Files.list(dir.resolve("ktstr4j-" + VmRunDir.uid()))) {
            assertThat(s.toList()).as("the VM's socket folder is gone").isEmpty();
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
        assertThat(ourShmFiles(vm)).isEmpty();
        assertFolderGone(vm);
        assertThatThrownBy(() -> vm.memory().readU32(0)).as("a closed VM's RAM is unmapped")
                .hasMessageContaining("closed");
    }

    /** Guest RAM is readable by this user only: 0600 files in a fresh 0700 folder of a 0700 per-user folder. */
    @Test
    void guestRamFilesArePrivate() throws Exception {
        Path pidFile = dir.resolve("pid");
        Vm vm = vm(script("echo $$ > " + pidFile + "; exec sleep 600"), Duration.ofSeconds(60));
        try (vm) {
            vm.events().subscribe();
            waitForPid(pidFile);
            Path ramDir = ((QemuVm) vm).ramDir();
            assertThat(VmRunDirTest.mode(ramDir.getParent())).isEqualTo("rwx------");
            assertThat(VmRunDirTest.mode(ramDir)).isEqualTo("rwx------");
            List<Path> ram = ourShmFiles(vm).stream().filter(p -> p.getFileName().toString().startsWith("ram-"))
                    .toList();
            assertThat(ram).isNotEmpty();
            for (Path f : ram) {
                assertThat(VmRunDirTest.mode(f)).as("%s", f).isEqualTo("rw-------");
            }
            assertThat(((QemuVm) vm).argv).anySatisfy(a -> assertThat(a).contains("mem-path=" + ramDir + "/ram-node0"));
        }
        assertThat(ourShmFiles(vm)).isEmpty();
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
