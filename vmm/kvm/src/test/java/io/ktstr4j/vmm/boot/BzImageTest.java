package io.ktstr4j.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class BzImageTest {
    static final Path SHARED = Path.of("/work/shared/kernels/6.12.117-scx/bzImage");

    static byte[] shared() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(SHARED), "shared kernel not present at " + SHARED);
        return Files.readAllBytes(SHARED);
    }

    @Test
    void parsesTheSharedKernelHeader() throws Exception {
        byte[] img = shared();
        BzImage bz = BzImage.parse("bzImage", img);
        assertThat(bz.protocol()).isGreaterThanOrEqualTo(0x20f);
        assertThat(bz.xloadflags() & BzImage.XLF_KERNEL_64).isEqualTo(1);
        assertThat(bz.setupSects()).isBetween(1, 64);
        assertThat(bz.kernelOffset()).isEqualTo((bz.setupSects() + 1) * 512);
        assertThat(bz.kernelOffset() + (long) bz.syssize() * 16).isLessThanOrEqualTo(img.length);
        assertThat(bz.initSize()).isGreaterThan(img.length - bz.kernelOffset());
        assertThat(Long.bitCount(bz.kernelAlignment())).isEqualTo(1);
        assertThat(bz.cmdlineSize()).isGreaterThanOrEqualTo(2047);
        assertThat(bz.relocatable()).isTrue();
        assertThat(bz.prefAddress()).isEqualTo(0x1000000L); // CONFIG_PHYSICAL_START
        assertThat(bz.protectedModeKernel()).hasSize(img.length - bz.kernelOffset());
        byte[] hdr = bz.setupHeader();
        assertThat(hdr[0x202 - BzImage.SETUP_HEADER_OFFSET]).isEqualTo((byte) 'H');
        assertThat(hdr.length).isBetween(0x250 - 0x1f1, 0x268 - 0x1f1);
        assertThat(BzImage.looksLike(img)).isTrue();
    }

    @Test
    void rejectsSomethingElse() {
        byte[] junk = new byte[8192];
        Arrays.fill(junk, (byte) 0x41);
        assertThatThrownBy(() -> BzImage.parse("junk.bin", junk)).isInstanceOf(KernelImageException.class)
                .hasMessageContaining("junk.bin").hasMessageContaining("not a bzImage");
        assertThat(BzImage.looksLike(junk)).isFalse();
    }

    @Test
    void rejectsTinyAndTruncatedFiles() throws Exception {
        assertThatThrownBy(() -> BzImage.parse("tiny", new byte[100])).hasMessageContaining("truncated");
        byte[] cut = Arrays.copyOf(shared(), 1 << 20);
        assertThatThrownBy(() -> BzImage.parse("cut", cut)).isInstanceOf(KernelImageException.class)
                .hasMessageContaining("cut: truncated").hasMessageContaining("file has 1048576 bytes");
    }

    @Test
    void rejectsOldProtocolAndNon64BitKernels() throws Exception {
        byte[] old = shared();
        old[0x206] = 0x04;
        old[0x207] = 0x02;
        assertThatThrownBy(() -> BzImage.parse("old", old)).hasMessageContaining("boot protocol 2.04 is too old")
                .hasMessageContaining("2.06");
        byte[] no64 = shared();
        no64[0x236] &= ~1;
        assertThatThrownBy(() -> BzImage.parse("k32", no64)).hasMessageContaining("XLF_KERNEL_64");
    }
}
