package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a kernel's System.map/BTF next to its image, and saying what is missing when they are not there. */
class KernelDebugFilesTest {

    @TempDir
    Path dir;

    Path touch(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    Path touch(String name) throws Exception {
        return touch(name, new byte[] {1, 2, 3, 4});
    }

    static final byte[] ELF = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};

    @Test
    void findsSystemMapAndVmlinuxBtfNextToABzImage() throws Exception {
        Path kernel = touch("bzImage");
        Path map = touch("System.map");
        Path btf = touch("vmlinux.btf");
        assertThat(KernelDebugFiles.find(kernel)).contains(new KernelDebugFiles(map, btf));
    }

    @Test
    void findsDebianStyleVersionedSystemMapAndVmlinux() throws Exception {
        Path kernel = touch("vmlinuz-6.1.0-13-amd64");
        Path map = touch("System.map-6.1.0-13-amd64");
        Path vmlinux = touch("vmlinux-6.1.0-13-amd64", ELF);
        assertThat(KernelDebugFiles.find(kernel)).contains(new KernelDebugFiles(map, vmlinux));
    }

    @Test
    void anElfVmlinuxKernelDescribesItself() throws Exception {
        Path kernel = touch("vmlinux", ELF);
        KernelDebugFiles f = KernelDebugFiles.find(kernel).orElseThrow();
        assertThat(f.symbols()).isEqualTo(kernel);
        assertThat(f.btf()).isEqualTo(kernel);
        assertThat(f.describe()).isEqualTo(kernel.toString());
    }

    @Test
    void missingBtfIsExplainedWithTheFileNamesLookedFor() throws Exception {
        Path kernel = touch("bzImage");
        touch("System.map");
        assertThat(KernelDebugFiles.find(kernel)).isEmpty();
        String why = KernelDebugFiles.explainMissing(kernel);
        assertThat(why).contains("no kernel BTF (vmlinux.btf, vmlinux)").doesNotContain("kernel symbols")
                .contains(dir.toString()).contains("bzImage");
    }

    @Test
    void aCompressedVmlinuxIsPointedOutButNotUsed() throws Exception {
        Path kernel = touch("bzImage");
        touch("vmlinux.zst");
        assertThat(KernelDebugFiles.find(kernel)).isEmpty();
        assertThat(KernelDebugFiles.explainMissing(kernel)).contains("kernel symbols (System.map, vmlinux)")
                .contains("zstd -d vmlinux.zst");
    }

    @Test
    void noKernelMeansNoFiles() {
        assertThat(KernelDebugFiles.find(null)).isEmpty();
        assertThat(KernelDebugFiles.explainMissing(null)).contains("no kernel image");
    }

    @Test
    void loadsTheShippedKernelsSystemMapAndBtf() {
        Path map = KernelFiles.require("System.map");
        KernelFiles.require("vmlinux.btf");
        KernelDebugFiles f = KernelDebugFiles.find(map.resolveSibling("bzImage")).orElseThrow();
        KernelDebugFiles.Loaded l = f.load();
        assertThat(l.symbols().has("runqueues")).isTrue();
        assertThat(l.btf().sizeOf("rq")).isPositive();
    }
}
