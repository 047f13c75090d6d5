package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.topology.NumaNode;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.ShmRegion;
import io.ktstr4j.vmm.VmConfigException;
import io.ktstr4j.vmm.mem.MappedGuestMemory.Region;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestRamLayoutTest {

    private static final long MIB = 1L << 20;

    @Test
    void smallGuestIsOneRegionWithShmAtTheTop() {
        GuestRamLayout l = GuestRamLayout.plan(MachineType.MICROVM, 256, List.of(256L), 16 * MIB, "/dev/shm/x");
        assertThat(l.regions()).containsExactly(new Region(0, 256 * MIB, Path.of("/dev/shm/x-node0"), 0));
        assertThat(l.shm()).isEqualTo(new ShmRegion(240 * MIB, 16 * MIB));
        assertThat(l.totalBytes()).isEqualTo(256 * MIB);
    }

    @Test
    void numaNodesFollowEachOtherInGuestRam() {
        GuestRamLayout l = GuestRamLayout.plan(MachineType.PC, 1024, List.of(512L, 512L), 16 * MIB, "/s/v");
        assertThat(l.regions()).containsExactly(
                new Region(0, 512 * MIB, Path.of("/s/v-node0"), 0),
                new Region(512 * MIB, 512 * MIB, Path.of("/s/v-node1"), 0));
        assertThat(l.shm().guestPhysBase()).isEqualTo(1008 * MIB);
    }

    @Test
    void ramAboveTheLowMemoryEndMovesTo4GiB() {
        long mb = 4096;
        GuestRamLayout l = GuestRamLayout.plan(MachineType.MICROVM, mb, List.of(mb), 16 * MIB, "/s/v");
        assertThat(l.regions()).containsExactly(
                new Region(0, 0xE000_0000L, Path.of("/s/v-node0"), 0),
                new Region(1L << 32, mb * MIB - 0xE000_0000L, Path.of("/s/v-node0"), 0xE000_0000L));
        assertThat(l.shm().guestPhysBase()).isEqualTo((1L << 32) + mb * MIB - 0xE000_0000L - 16 * MIB);

        GuestRamLayout pc = GuestRamLayout.plan(MachineType.PC, mb, List.of(mb / 2, mb / 2), 16 * MIB, "/s/v");
        // i440fx splits at 3 GiB: node0 is all low, node1 is split at its 1 GiB mark.
        assertThat(pc.regions()).containsExactly(
                new Region(0, 2048 * MIB, Path.of("/s/v-node0"), 0),
                new Region(2048 * MIB, 1024 * MIB, Path.of("/s/v-node1"), 0),
                new Region(1L << 32, 1024 * MIB, Path.of("/s/v-node1"), 1024 * MIB));
    }

    @Test
    void shmStraddlingThe4GiBHoleIsRefused() {
        assertThatThrownBy(() -> GuestRamLayout.plan(MachineType.MICROVM, 3584 + 8, List.of(3592L), 16 * MIB, "/x"))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("straddle");
    }

    @Test
    void nonUniformNodeMemoryIsKeptAndTheRestShared() {
        Topology t = new Topology(3, 3, 1, 1, List.of(new NumaNode(1, 100L), NumaNode.of(1), NumaNode.of(1)),
                List.of());
        assertThat(GuestRamLayout.splitByNode(t, 301)).containsExactly(100L, 100L, 101L);
        assertThat(GuestRamLayout.splitByNode(Topology.of(2, 2, 1, 1), 1000)).containsExactly(500L, 500L);
        assertThatThrownBy(() -> GuestRamLayout.splitByNode(t, 50)).isInstanceOf(VmConfigException.class)
                .hasMessageContaining("memoryMb");
    }

    @Test
    void badSizesAreRefusedWithTheFieldName() {
        assertThatThrownBy(() -> GuestRamLayout.plan(MachineType.MICROVM, 32, List.of(32L), 0, "/x"))
                .hasMessageContaining("memoryMb");
        assertThatThrownBy(() -> GuestRamLayout.plan(MachineType.MICROVM, 256, List.of(256L), 1000, "/x"))
                .hasMessageContaining("shmBytes");
        assertThatThrownBy(() -> GuestRamLayout.plan(MachineType.MICROVM, 256, List.of(256L), 128 * MIB, "/x"))
                .hasMessageContaining("quarter");
    }
}
