package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.KernelLoaded;
import io.ktstr4j.schemas.event.VcpuStarted;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.TopologyProbe;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/** Real boots of the shared kernel under QEMU/TCG: shared guest RAM, exit reasons, cancellation. */
@Tag("e2e")
class QemuVmE2ETest {

    static final String PROLOGUE = """
            #!/bin/busybox sh
            /bin/busybox --install -s /bin
            export PATH=/bin
            mount -t proc proc /proc
            mount -t sysfs sysfs /sys
            mount -t devtmpfs devtmpfs /dev
            """;

    @TempDir
    Path dir;

    @BeforeAll
    static void requirements() {
        Assumptions.assumeTrue(Files.isReadable(QemuTopologyE2ETest.KERNEL), "no kernel at "
                + QemuTopologyE2ETest.KERNEL);
        Assumptions.assumeTrue(QemuBackend.findQemu().isPresent(), "qemu-system-x86_64 not installed");
        Assumptions.assumeTrue(TopologyProbe.available(), "busybox-static not installed (/bin/busybox)");
    }

    private Vm vm(String script, Duration watchdog) throws Exception {
        Path initrd = dir.resolve("init.cpio");
        Files.write(initrd, TopologyProbe.busyboxInitramfs(PROLOGUE + script, Map.of()));
        return new QemuBackend().create(new VmConfig(QemuTopologyE2ETest.KERNEL, List.of(initrd),
                Topology.of(1, 1, 2, 1), 256, List.of(), VmConfig.DEFAULT_SHM_BYTES, watchdog, false));
    }

    private static List<String> lines(List<VmEvent> events, String port) {
        return events.stream().filter(e -> e instanceof ConsoleLine c && c.port().equals(port))
                .map(e -> ((ConsoleLine) e).line()).toList();
    }

    @Test
    void guestAndHostShareTheShmRegionAndTheGuestExitCodeIsReported() throws Exception {
        String script = """
                echo "host wrote $(devmem $((KTSTR_SHM_BASE + 8)) 64)" > /dev/ttyS1
                devmem $KTSTR_SHM_BASE 32 0x4b545352
                grep -q "$(printf '%08x' $KTSTR_SHM_BASE)-" /proc/iomem && echo "shm-in-iomem" > /dev/ttyS1
                grep "System RAM" /proc/iomem > /dev/ttyS1
                echo KTSTR_EXIT=7 > /dev/ttyS1
                reboot -f
                """;
        try (Vm vm = vm(script, Duration.ofSeconds(60))) {
            long base = vm.shm().guestPhysBase();
            List<VmEvent> events = vm.events()
                    .doOnNext(e -> {
                        if (e instanceof VmCreated) {
                            vm.memory().writeU64(base + 8, 0x1122334455667788L);
                        }
                    })
                    .collectList().block(Duration.ofMinutes(3));
            assertThat(events.get(0)).isInstanceOf(VmCreated.class);
            assertThat(events.get(1)).isInstanceOf(KernelLoaded.class);
            assertThat(events.stream().filter(e -> e instanceof VcpuStarted).count()).isEqualTo(2);
            VmExited exit = (VmExited) events.get(events.size() - 1);
            List<String> com2 = lines(events, ConsoleLine.COM2);
            assertThat(exit.reason()).as("%s %s", exit.detail(), com2).isEqualTo(ExitReason.REBOOT);
            assertThat(exit.exitCode()).isEqualTo(7);
            assertThat(com2).contains("host wrote 0x1122334455667788");
            assertThat(vm.memory().readU32(base)).isEqualTo(0x4b545352);
            // memmap= took the ring out of the guest's RAM: no "System RAM" range covers it.
            for (String l : com2) {
                if (l.contains("System RAM")) {
                    String[] r = l.trim().split("[- :]+");
                    long start = Long.parseLong(r[0], 16);
                    long end = Long.parseLong(r[1], 16);
                    assertThat(base >= start && base <= end).as("shm base inside %s", l).isFalse();
                }
            }
        }
    }

    @Test
    void kernelPanicIsReportedAsPanic() throws Exception {
        try (Vm vm = vm("exit 3\n", Duration.ofSeconds(60))) {
            List<VmEvent> events = vm.events().collectList().block(Duration.ofMinutes(3));
            VmExited exit = (VmExited) events.get(events.size() - 1);
            assertThat(exit.reason()).as("%s %s", exit.detail(), lines(events, ConsoleLine.COM1))
                    .isEqualTo(ExitReason.PANIC);
            assertThat(exit.detail()).contains("Kernel panic - not syncing");
        }
    }

    @Test
    void powerOffIsReportedAsShutdown() throws Exception {
        try (Vm vm = vm("poweroff -f\n", Duration.ofSeconds(60))) {
            List<VmEvent> events = vm.events().collectList().block(Duration.ofMinutes(3));
            VmExited exit = (VmExited) events.get(events.size() - 1);
            assertThat(exit.reason()).as("%s %s", exit.detail(), lines(events, ConsoleLine.COM1))
                    .isEqualTo(ExitReason.SHUTDOWN);
        }
    }

    @Test
    void cancellingARunningGuestKillsQemuPromptlyAndLeavesNoFiles() throws Exception {
        Vm vm = vm("echo ready > /dev/ttyS1\nwhile true; do sleep 1; done\n", Duration.ofSeconds(120));
        CountDownLatch ready = new CountDownLatch(1);
        List<VmEvent> seen = new CopyOnWriteArrayList<>();
        Disposable d = vm.events().subscribe(e -> {
            seen.add(e);
            if (e instanceof ConsoleLine c && c.line().equals("ready")) {
                ready.countDown();
            }
        });
        assertThat(ready.await(3, TimeUnit.MINUTES)).as("guest ready; saw %s", seen).isTrue();
        List<ProcessHandle> qemus = ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").contains("qemu-system")).toList();
        assertThat(qemus).hasSize(1);
        long t0 = System.nanoTime();
        d.dispose();
        qemus.get(0).onExit().get(10, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("qemu gone " + ms + " ms after cancel");
        assertThat(ms).isLessThan(2000);
        assertThat(((QemuVm) vm).ramDir().resolve("ram-node0")).as("guest RAM file unlinked at the cancel")
                .doesNotExist();
        vm.close();
        assertThat(((QemuVm) vm).ramDir()).as("the VM's folder is gone after close").doesNotExist();
        assertThat(ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").contains("qemu-system")).toList()).isEmpty();
    }
}
