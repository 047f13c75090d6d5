package io.ktstr4j.pipeline.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.vmm.monitor.KernelDebugFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Built kernels into the cache: the shipped one under two keys, a folder, a built tree; failures leave nothing. */
class KernelImporterTest {

    /** The kernel shipped beside the project (present in a checkout next to ../shared). */
    static final Path SHIPPED = io.ktstr4j.pipeline.Defaults.projectRoot().resolve("../shared/kernels/6.12.117-scx")
            .toAbsolutePath().normalize();

    @TempDir
    Path tmp;
    KernelCache cache;
    KernelImporter importer;

    @BeforeEach
    void cache() {
        cache = new KernelCache(tmp.resolve("cache"), tmp.resolve("ktstr-cache"));
        importer = new KernelImporter(cache, HostTools.of(System.getenv()));
    }

    @Test
    void theShippedKernelImportsUnderTwoKeysAndTheMonitorFindsItsFiles() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(SHIPPED.resolve("bzImage")), "no shipped kernel at " + SHIPPED);
        KernelImporter.Imported a = importer.importKernel(SHIPPED, "shipped-a", false);
        KernelImporter.Imported b = importer.importKernel(SHIPPED.resolve("bzImage"), "shipped-b", false);
        assertThat(a.notes()).anyMatch(n -> n.startsWith("vmlinux.zst left out"));
        for (CacheEntry e : List.of(a.entry(), b.entry())) {
            assertThat(e.valid()).isTrue();
            assertThat(KernelCacheTest.names(e.dir())).containsExactly("System.map", "bzImage", "config",
                    "metadata.json", "scx", "vmlinux.btf");
            assertThat(KernelCacheTest.names(e.dir().resolve("scx"))).contains("scx_simple", "scx_qmap");
            assertThat(Files.isExecutable(e.dir().resolve("scx/scx_simple"))).isTrue();
            assertThat(Files.mismatch(e.image(), SHIPPED.resolve("bzImage"))).isEqualTo(-1);
            KernelMetadata m = e.metadata();
            assertThat(m.version()).isEqualTo("6.12.117");
            assertThat(m.source()).isEqualTo(new KernelSource.Local(SHIPPED.toAbsolutePath().normalize(), null));
            assertThat(m.hasVmlinux()).isFalse();
            assertThat(m.configHash()).isEqualTo(Kconfig.crc32(Files.readAllBytes(SHIPPED.resolve("config"))));
            KernelDebugFiles files = KernelDebugFiles.find(e.image()).orElseThrow();
            assertThat(files.symbols()).isEqualTo(e.dir().resolve("System.map"));
            assertThat(files.btf()).isEqualTo(e.dir().resolve("vmlinux.btf"));
            assertThat(KernelInfo.version(e.image())).isEqualTo("6.12.117");
        }
        assertThat(cache.list()).extracting(CacheEntry::key).containsExactlyInAnyOrder("shipped-a", "shipped-b");
    }

    @Test
    void aBuiltTreeImportsWithItsDotConfigAndVmlinux() throws IOException {
        Path tree = tmp.resolve("linux");
        KernelResolverTest.image(tree.resolve("arch/x86/boot/bzImage"));
        Files.writeString(tree.resolve("System.map"), "ffffffff81000000 T _stext\n");
        Files.writeString(tree.resolve(".config"), "#\n# Linux/x86 6.15.0 Kernel Configuration\n#\nCONFIG_X=y\n");
        Files.writeString(tree.resolve("vmlinux"), "not even an ELF");
        KernelImporter.Imported i = importer.importKernel(tree, "mine", false);
        assertThat(KernelCacheTest.names(i.entry().dir())).containsExactly("System.map", "bzImage", "config",
                "metadata.json", "vmlinux");
        assertThat(i.entry().metadata().version()).isEqualTo("6.15.0");
        assertThat(i.entry().metadata().hasVmlinux()).isTrue();
        assertThat(i.entry().metadata().vmlinuxStripped()).as("objcopy cannot strip a non-ELF: copied as it is")
                .isFalse();
        assertThat(i.notes()).anyMatch(n -> n.contains("copied"));
    }

    @Test
    void aFailedImportLeavesNoEntryAndNoTemporaryFolder() throws IOException {
        Path dir = tmp.resolve("kernel");
        KernelResolverTest.image(dir.resolve("bzImage"));
        Files.createDirectories(dir.resolve("scx"));
        Files.createSymbolicLink(dir.resolve("scx/dangling"), tmp.resolve("nowhere"));
        assertThatThrownBy(() -> importer.importKernel(dir, "k", false)).isInstanceOf(KernelException.class)
                .hasMessageContaining("cannot import " + dir + " as k");
        assertThat(KernelCacheTest.names(cache.root())).isEmpty();
    }

    @Test
    void aTakenKeyNeedsForceAndNoImageIsNamed() throws IOException {
        Path dir = tmp.resolve("kernel");
        KernelResolverTest.image(dir.resolve("bzImage"));
        importer.importKernel(dir, "k", false);
        assertThatThrownBy(() -> importer.importKernel(dir, "k", false)).hasMessageContaining("already exists")
                .hasMessageContaining("--force");
        assertThat(importer.importKernel(dir, "k", true).notes()).anyMatch(n -> n.contains("monitor will be off"));
        assertThatThrownBy(() -> importer.importKernel(tmp, "other", false))
                .hasMessageContaining("no kernel image there");
        assertThatThrownBy(() -> importer.importKernel(dir, "a/b", false)).hasMessageContaining("--key 'a/b'");
        assertThat(cache.list()).extracting(CacheEntry::key).containsExactly("k");
    }
}
