package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.CancelCycles;
import io.ktstr4j.vmm.TopologyProbe;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boot/cancel cycles on QEMU/TCG leak nothing ({@link CancelCycles}): no fd, thread, mapping, /dev/shm file or folder,
 * or child process is left after cancelling at seeded random points: before VmCreated, mid-boot, frozen mid-boot,
 * mid-scenario, frozen in the scenario and during the guest's power-off, each at least once in the e2e set's 10
 * cycles; the full tier cancels 100 times. {@code -Dktstr.cycles.seed=N} replays a seed;
 * {@code -Dktstr.cycles=N} changes the full tier's count.
 */
@Tag("e2e")
class QemuCancelCyclesE2ETest {

    @TempDir
    static Path dir;
    static Path initramfs;

    @BeforeAll
    static void requirements() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(QemuTopologyE2ETest.KERNEL), "no kernel at "
                + QemuTopologyE2ETest.KERNEL);
        Assumptions.assumeTrue(QemuBackend.findQemu().isPresent(), "qemu-system-x86_64 not installed");
        Assumptions.assumeTrue(TopologyProbe.available(), "busybox-static not installed (/bin/busybox)");
        initramfs = dir.resolve("cycles.cpio");
        Files.write(initramfs, CancelCycles.initramfs());
    }

    static long seed() {
        return Long.getLong("ktstr.cycles.seed", System.nanoTime());
    }

    static CancelCycles.Result cycles(int n, List<CancelCycles.Point> points) throws Exception {
        QemuOptions options = QemuOptions.defaults();
        QemuBackend backend = new QemuBackend(options);
        VmConfig config = new VmConfig(QemuTopologyE2ETest.KERNEL, List.of(initramfs), Topology.of(1, 1, 2, 1), 256,
                List.of(), VmConfig.DEFAULT_SHM_BYTES, Duration.ofSeconds(60), false);
        long seed = seed();
        CancelCycles.Result r = CancelCycles.run(() -> backend.create(config), n, seed, points,
                Duration.ofMinutes(2), options.shmDir(), options.runDir());
        assertThat(r.leaks()).as("leaks after %d cycles (seed %d): %s", n, seed, r.cycleLog()).isEmpty();
        return r;
    }

    @Test
    void tenCancelsAtEveryPointLeakNothing() throws Exception {
        CancelCycles.Result r = cycles(10, CancelCycles.Point.ALL);
        assertThat(r.cycles()).isEqualTo(10);
        assertThat(r.points().keySet()).as("every point drawn").hasSize(CancelCycles.Point.ALL.size());
    }

    @Test
    @Tag("full")
    void aHundredCancelsAtEveryPointLeakNothing() throws Exception {
        CancelCycles.Result r = cycles(Integer.getInteger("ktstr.cycles", 100), CancelCycles.Point.ALL);
        assertThat(r.points().keySet()).as("every point drawn").hasSize(CancelCycles.Point.ALL.size());
    }
}
