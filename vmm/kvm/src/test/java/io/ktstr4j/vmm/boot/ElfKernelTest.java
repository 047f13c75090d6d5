package io.ktstr4j.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ElfKernelTest {
    static final Path ZST = Path.of("/work/shared/kernels/6.12.117-scx/vmlinux.zst");

    /** Unpacks the shared vmlinux into {@code dir} (tests and the rig tests both use it). */
    public static Path unpackVmlinux(Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(ZST), "shared vmlinux.zst not present at " + ZST);
        Path out = dir.resolve("vmlinux");
        try (InputStream in = new ZstdInputStream(Files.newInputStream(ZST))) {
            Files.copy(in, out);
        }
        return out;
    }

    @Test
    void parsesTheSharedVmlinux(@TempDir Path dir) throws Exception {
        byte[] img = Files.readAllBytes(unpackVmlinux(dir));
        ElfKernel k = ElfKernel.parse("vmlinux", img);
        assertThat(k.entry()).isEqualTo(0x1000000L); // phys_startup_64 at CONFIG_PHYSICAL_START
        assertThat(k.segments()).isNotEmpty();
        assertThat(k.lowestAddress()).isEqualTo(0x1000000L);
        assertThat(k.highestAddress()).isGreaterThan(k.lowestAddress() + img.length / 4);
        for (ElfKernel.Segment s : k.segments()) {
            assertThat(s.memSize()).isGreaterThanOrEqualTo(s.fileSize());
            assertThat(s.paddr()).isLessThan(1L << 32);
        }
    }

    @Test
    void rejectsBadFiles() {
        assertThatThrownBy(() -> ElfKernel.parse("x", new byte[64])).hasMessageContaining("not an ELF");
        byte[] elf32 = new byte[64];
        elf32[0] = 0x7f;
        elf32[1] = 'E';
        elf32[2] = 'L';
        elf32[3] = 'F';
        elf32[4] = 1;
        elf32[5] = 1;
        assertThatThrownBy(() -> ElfKernel.parse("e32", elf32)).hasMessageContaining("not a little-endian ELF64");
        byte[] trunc = Arrays.copyOf(elf32, 64);
        trunc[4] = 2;
        trunc[18] = 62;
        trunc[32] = 64; // phoff
        trunc[54] = 56;
        trunc[56] = 3; // 3 headers past EOF
        assertThatThrownBy(() -> ElfKernel.parse("t", trunc)).hasMessageContaining("truncated");
    }
}
