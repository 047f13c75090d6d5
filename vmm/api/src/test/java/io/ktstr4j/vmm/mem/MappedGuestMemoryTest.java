package io.ktstr4j.vmm.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.vmm.GuestMemoryException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedGuestMemoryTest {

    @TempDir
    Path dir;

    @Test
    void readsAndWritesAnonymousMemoryLittleEndian() {
        try (MappedGuestMemory m = MappedGuestMemory.anonymous(1 << 20)) {
            assertThat(m.size()).isEqualTo(1 << 20);
            m.writeU64(0x1000, 0x1122334455667788L);
            assertThat(m.readU64(0x1000)).isEqualTo(0x1122334455667788L);
            assertThat(m.readU32(0x1000)).isEqualTo(0x55667788);
            assertThat(m.readU8(0x1007)).isEqualTo((byte) 0x11);
            assertThat(m.readU64(0x2000)).isZero();
        }
    }

    @Test
    void sharedFileMappingSeesWritesFromTheFileAndBack() throws Exception {
        Path f = dir.resolve("ram");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(64 * 1024);
            raf.seek(0x100);
            raf.write(new byte[] {1, 2, 3, 4});
        }
        try (MappedGuestMemory m = MappedGuestMemory.map(List.of(new MappedGuestMemory.Region(0, 64 * 1024, f, 0)))) {
            assertThat(m.readU32(0x100)).isEqualTo(0x04030201);
            m.writeU64(0x200, 0xCAFEBABEL);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getLong(0x200)).isEqualTo(0xCAFEBABEL);
    }

    @Test
    void splitRegionsMapFileOffsetsToGuestAddressesAcrossAHole() throws Exception {
        Path f = dir.resolve("ram");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(32 * 1024);
            raf.seek(16 * 1024);
            raf.write(0x5A);
        }
        List<MappedGuestMemory.Region> regions = List.of(
                new MappedGuestMemory.Region(0, 16 * 1024, f, 0),
                new MappedGuestMemory.Region(1L << 32, 16 * 1024, f, 16 * 1024));
        try (MappedGuestMemory m = MappedGuestMemory.map(regions)) {
            assertThat(m.size()).isEqualTo(32 * 1024);
            assertThat(m.readU8(1L << 32)).isEqualTo((byte) 0x5A);
            assertThat(m.contains(16 * 1024 - 4, 8)).isFalse();
            assertThat(m.contains((1L << 32) + 16 * 1024 - 8, 8)).isTrue();
            assertThatThrownBy(() -> m.readU64(16 * 1024 - 4)).isInstanceOf(GuestMemoryException.class)
                    .hasMessageContaining("not guest RAM");
        }
    }

    @Test
    void adjacentRegionsCanBeReadAcrossTheirBoundary() {
        try (MappedGuestMemory m = MappedGuestMemory.map(List.of(
                new MappedGuestMemory.Region(0, 4096, null, 0),
                new MappedGuestMemory.Region(4096, 4096, null, 0)))) {
            m.writeU64(4092, -1L);
            assertThat(m.readU64(4092)).isEqualTo(-1L);
            assertThat(m.contains(0, 8192)).isTrue();
            assertThat(m.contains(0, 8193)).isFalse();
        }
    }

    @Test
    void outOfBoundsAccessesThrowInsteadOfCrashing() {
        try (MappedGuestMemory m = MappedGuestMemory.anonymous(8192)) {
            assertThatThrownBy(() -> m.readU64(8188)).isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> m.readU8(-1)).isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> m.read(Long.MAX_VALUE - 2, new byte[8], 0, 8))
                    .isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> m.read(0, new byte[4], 2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(m.contains(8192, 0)).isFalse();
            assertThat(m.contains(0, 8192)).isTrue();
        }
    }

    @Test
    void accessAfterCloseThrowsAndCloseIsIdempotent() {
        MappedGuestMemory m = MappedGuestMemory.anonymous(4096);
        m.close();
        m.close();
        assertThatThrownBy(() -> m.readU8(0)).isInstanceOf(GuestMemoryException.class).hasMessageContaining("closed");
    }

    @Test
    void refusesOverlappingOrUnalignedRegionsAndMissingFiles() {
        assertThatThrownBy(() -> MappedGuestMemory.map(List.of(
                new MappedGuestMemory.Region(0, 8192, null, 0), new MappedGuestMemory.Region(4096, 4096, null, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
        assertThatThrownBy(() -> new MappedGuestMemory.Region(0, 100, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiples of 4096");
        assertThatThrownBy(() -> MappedGuestMemory.map(List.of(
                new MappedGuestMemory.Region(0, 4096, dir.resolve("missing"), 0))))
                .isInstanceOf(GuestMemoryException.class).hasMessageContaining("missing");
    }

    @Test
    void hostAddressIsInsideTheMapping() {
        try (MappedGuestMemory m = MappedGuestMemory.anonymous(8192)) {
            long base = m.hostAddress(0, 8192);
            assertThat(base).isNotZero();
            assertThat(m.hostAddress(4096, 16)).isEqualTo(base + 4096);
            assertThatThrownBy(() -> m.hostAddress(4096, 8192)).isInstanceOf(GuestMemoryException.class);
        }
    }
}
