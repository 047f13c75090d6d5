package io.ktstr4j.pipeline.kernel;

import static io.ktstr4j.pipeline.kernel.CacheFixture.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every step of the default order, each found only when the ones before it have nothing; and the error. */
class KernelResolverTest {

    static final String RELEASE = "6.1.0-13-amd64";

    @TempDir
    Path tmp;
    Path ours;
    Path ktstrs;
    Path project;
    Path cwd;
    Path host;
    Map<String, String> env = new HashMap<>();

    @BeforeEach
    void places() throws IOException {
        ours = tmp.resolve("cache/ktstr4j/kernels");
        ktstrs = tmp.resolve("cache/ktstr/kernels");
        project = Files.createDirectories(tmp.resolve("ws/project"));
        cwd = Files.createDirectories(tmp.resolve("ws/work/here"));
        host = Files.createDirectories(tmp.resolve("host"));
    }

    KernelResolver resolver() {
        return new KernelResolver(new KernelCache(ours, ktstrs), env, project, cwd, host, RELEASE);
    }

    static Path image(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "kernel");
    }

    @Test
    void theDefaultOrderIsEnvThenCachesThenSharedThenTreesThenTheRunningKernel() throws IOException {
        Path boot = image(host.resolve("boot/vmlinuz-" + RELEASE));
        assertThat(resolver().resolveDefault()).isEqualTo(new ResolvedKernel(boot, "vmlinuz-" + RELEASE,
                "/boot/vmlinuz-" + RELEASE));
        Path modules = image(host.resolve("lib/modules/" + RELEASE + "/build/arch/x86/boot/bzImage"));
        assertThat(resolver().resolveDefault().image()).isEqualTo(modules);
        Path upTree = image(tmp.resolve("ws/work/linux/arch/x86/boot/bzImage"));
        assertThat(resolver().resolveDefault().image()).isEqualTo(upTree);
        Path tree = image(cwd.resolve("linux/arch/x86/boot/bzImage"));
        assertThat(resolver().resolveDefault()).extracting(ResolvedKernel::image, ResolvedKernel::from)
                .containsExactly(tree, "./linux/arch/x86/boot/bzImage");
        Path shared = image(tmp.resolve("ws/shared/kernels/6.12.117-scx/bzImage"));
        assertThat(resolver().resolveDefault()).as("the project's shared kernel, labelled by its folder's version")
                .isEqualTo(new ResolvedKernel(shared, "6.12.117-scx", "the project's shared kernel"));
        entry(ktstrs, "6.14.2-tarball-x86_64-kc12345678", "2026-01-01T00:00:00Z");
        assertThat(resolver().resolveDefault()).isEqualTo(new ResolvedKernel(
                ktstrs.resolve("6.14.2-tarball-x86_64-kc12345678/bzImage").toAbsolutePath(),
                "6.14.2-tarball-x86_64-kc12345678", "ktstr cache"));
        entry(ours, "older", "2026-01-01T00:00:00Z");
        entry(ours, "newer", "2026-02-01T00:00:00Z");
        Files.delete(entry(ours, "newest-but-corrupt", "2026-03-01T00:00:00Z").resolve("bzImage"));
        assertThat(resolver().resolveDefault()).extracting(ResolvedKernel::label, ResolvedKernel::from)
                .containsExactly("newer", "ktstr4j cache");
        env.put("KTSTR4J_KERNEL", "older");
        assertThat(resolver().resolveDefault()).extracting(ResolvedKernel::label, ResolvedKernel::from)
                .containsExactly("older", "$KTSTR4J_KERNEL");
        env.put("KTSTR4J_KERNEL", upTree.toString());
        assertThat(resolver().resolveDefault().image()).isEqualTo(upTree);
    }

    @Test
    void aKtstr4jKernelThatNamesNothingIsAnErrorNotAFallThrough() throws IOException {
        image(tmp.resolve("ws/shared/kernels/6.12.117-scx/bzImage"));
        env.put("KTSTR4J_KERNEL", "no-such-key");
        assertThatThrownBy(() -> resolver().findDefault()).isInstanceOf(KernelException.class)
                .hasMessageContaining("$KTSTR4J_KERNEL no-such-key: no such file")
                .hasMessageContaining("no cache entry no-such-key in " + ours.toAbsolutePath());
    }

    @Test
    void nothingAnywhereIsOneMessageNamingEveryPlaceAndWhatToDo() throws IOException {
        Files.createDirectories(ours.resolve("broken"));
        assertThat(resolver().findDefault()).isEmpty();
        assertThatThrownBy(() -> resolver().resolveDefault()).isInstanceOf(KernelException.class)
                .hasMessageContaining("$KTSTR4J_KERNEL: not set")
                .hasMessageContaining("ktstr4j cache " + ours.toAbsolutePath() + ": no valid entry (1 corrupt)")
                .hasMessageContaining("ktstr cache " + ktstrs.toAbsolutePath() + ": does not exist")
                .hasMessageContaining("the project's shared kernel: " + tmp.resolve("ws/shared/kernels/6.12.117-scx"
                        + "/bzImage") + " does not exist")
                .hasMessageContaining("./linux/arch/x86/boot/bzImage: " + cwd.resolve("linux/arch/x86/boot/bzImage"))
                .hasMessageContaining("../linux/arch/x86/boot/bzImage: " + tmp.resolve("ws/work/linux/arch/x86/boot/"
                        + "bzImage"))
                .hasMessageContaining("/lib/modules/" + RELEASE + "/build/arch/x86/boot/bzImage: ")
                .hasMessageContaining("/boot/vmlinuz-" + RELEASE + ": " + host.resolve("boot/vmlinuz-" + RELEASE))
                .hasMessageContaining("ktstr4j kernel build --debian").hasMessageContaining("--kernel PATH");
    }

    @Test
    void anArgumentIsAFileAFolderOrACacheKey() throws IOException {
        Path file = image(cwd.resolve("k/bzImage"));
        assertThat(resolver().resolve("k/bzImage", "--kernel")).isEqualTo(new ResolvedKernel(file, "k", "--kernel"));
        assertThat(resolver().resolve("k", "--kernel").image()).as("a folder holding bzImage").isEqualTo(file);
        Path tree = image(tmp.resolve("src/linux/arch/x86/boot/bzImage"));
        assertThat(resolver().resolve(tmp.resolve("src/linux").toString(), "--kernel").image()).isEqualTo(tree);
        Path e = entry(ours, "6.12.9-tarball-x86_64-kc00000000", "2026-01-01T00:00:00Z");
        assertThat(resolver().resolve(e.toString(), "--kernel").label()).as("an entry's folder is labelled by key")
                .isEqualTo("6.12.9-tarball-x86_64-kc00000000");
        assertThat(resolver().resolve("6.12.9-tarball-x86_64-kc00000000", "--kernel").image())
                .isEqualTo(e.resolve("bzImage").toAbsolutePath());
        entry(ktstrs, "theirs", "2026-01-01T00:00:00Z");
        assertThat(resolver().resolve("theirs", "--kernel").image())
                .isEqualTo(ktstrs.resolve("theirs/bzImage").toAbsolutePath());
    }

    @Test
    void badArgumentsSayWhatWasLookedFor() throws IOException {
        Files.createDirectories(cwd.resolve("empty"));
        assertThatThrownBy(() -> resolver().resolve("empty", "--kernel"))
                .hasMessageContaining("is a folder without a kernel image");
        assertThatThrownBy(() -> resolver().resolve("no/such/file", "--kernel"))
                .hasMessageContaining("--kernel no/such/file: no such file").hasMessageNotContaining("cache entry");
        Files.delete(entry(ours, "gone", "2026-01-01T00:00:00Z").resolve("bzImage"));
        assertThatThrownBy(() -> resolver().resolve("gone", "--kernel"))
                .hasMessageContaining("cache entry gone in " + ours.toAbsolutePath() + " is corrupt (image file "
                        + "bzImage missing from entry directory)").hasMessageContaining("kernel clean --corrupt-only");
        assertThatThrownBy(() -> resolver().resolve(" ", "--kernel")).hasMessageContaining("--kernel is empty");
    }
}
