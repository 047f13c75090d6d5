package io.ktstr4j.vmm.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.CancelCycles;
import io.ktstr4j.vmm.KvmProbe;
import io.ktstr4j.vmm.TopologyProbe;
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
 * Boot/cancel cycles on real KVM (in the rig) leak nothing ({@link CancelCycles}): cancelling before VmCreated,
 * mid-boot, mid-scenario, with the vCPUs parked for a snapshot, and during the guest's power-off leaves no fd
 * (kvm, VM, vCPU, stats), vCPU thread, kvm_run page or guest RAM mapping behind, and no VM had to be leaked because a
 * vCPU thread would not leave KVM_RUN. 10 cycles in the default rig stage (83 s measured), 100 in the full tier (two
 * entries of 50);
 * {@code -Dktstr.cycles.seed=N} (RIG_JAVA_OPTS) replays a seed.
 */
@Tag("rig")
class KvmCancelCyclesRigTest {

    @TempDir
    static Path dir;
    static Path initramfs;

    @BeforeAll
    static void setUp() throws Exception {
        KvmProbe.Result probe = KvmProbe.probe();
        Assumptions.assumeTrue(probe.usable(), "KVM not usable here: " + probe.reason());
        Assumptions.assumeTrue(Files.isReadable(KvmRigTest.KERNEL), "no kernel at " + KvmRigTest.KERNEL);
        Assumptions.assumeTrue(TopologyProbe.available(), "busybox-static not installed (/bin/busybox)");
        initramfs = dir.resolve("cycles.cpio");
        Files.write(initramfs, CancelCycles.initramfs());
    }

    static void cycles(int n) throws Exception {
        VmConfig config = new VmConfig(KvmRigTest.KERNEL, List.of(initramfs), Topology.of(1, 1, 2, 1), 256, List.of(),
                VmConfig.DEFAULT_SHM_BYTES, Duration.ofSeconds(120), false);
        long seed = Long.getLong("ktstr.cycles.seed", System.nanoTime());
        long leakedBefore = KvmVm.leakedVms();
        KvmBackend backend = new KvmBackend();
        CancelCycles.Result r = CancelCycles.run(() -> backend.create(config), n, seed, CancelCycles.Point.ALL,
                Duration.ofMinutes(3), Path.of("/dev/shm"), Path.of("/run"));
        assertThat(KvmVm.leakedVms()).as("VMs leaked because a vCPU thread stayed in KVM_RUN").isEqualTo(leakedBefore);
        assertThat(r.leaks()).as("leaks after %d cycles (seed %d): %s", n, seed, r.cycleLog()).isEmpty();
    }

    @Test
    void tenCancelsAtRandomPointsLeakNothing() throws Exception {
        cycles(10);
    }

    /**
     * The full tier's 100 cycles, as two entries of 50 in the same rig: 10 cycles took 83 s in the rig, so 100 in one
     * entry would approach run-rig-tests.sh's 900 s per entry.
     */
    @Test
    @Tag("full")
    void fiftyCancelsAtRandomPointsLeakNothing() throws Exception {
        cycles(Integer.getInteger("ktstr.cycles", 50));
    }

    @Test
    @Tag("full")
    void fiftyMoreCancelsAtRandomPointsLeakNothing() throws Exception {
        cycles(Integer.getInteger("ktstr.cycles", 50));
    }
}
