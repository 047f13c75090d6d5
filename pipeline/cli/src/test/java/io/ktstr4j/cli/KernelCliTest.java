package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.pipeline.kernel.FakeKernelTree;
import io.ktstr4j.pipeline.kernel.GitFixture;
import io.ktstr4j.schemas.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ktstr4j kernel list|import|clean|build} through picocli, with both caches in temp folders. */
class KernelCliTest extends CliFixture {

    int kernel(String... args) {
        List<String> a = new ArrayList<>(List.of("kernel"));
        a.addAll(List.of(args));
        return Main.execute(services(99_000, null), a.toArray(String[]::new));
    }

    /** A built kernel's folder: the fixture's bzImage with System.map and vmlinux.btf beside it. */
    Path builtKernel(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.copy(kernel, dir.resolve("bzImage"));
        Files.writeString(dir.resolve("System.map"), "ffffffff81000000 T _stext\n");
        Files.writeString(dir.resolve("vmlinux.btf"), "btf");
        Files.writeString(dir.resolve("config"), "#\n# Linux/x86 6.12.117 Kernel Configuration\n#\n");
        return dir;
    }

    /** An entry of ktstr's cache as ktstr 0.4 writes it. */
    void ktstrEntry(String key) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ktstr-cache").resolve(key));
        Files.copy(kernel, dir.resolve("bzImage"));
        Files.writeString(dir.resolve("vmlinux"), "elf");
        Files.writeString(dir.resolve("metadata.json"), """
                {"version": "6.14.2", "source": {"type": "tarball"}, "arch": "x86_64", "image_name": "bzImage",
                 "config_hash": "1f2e3d4c", "built_at": "2026-01-01T00:00:00Z", "ktstr_kconfig_hash": "9a8b7c6d",
                 "has_vmlinux": true, "vmlinux_stripped": true}""");
    }

    @Test
    void anEmptyCacheSaysHowToAddAKernel() {
        assertThat(kernel("list")).isZero();
        assertThat(out()).contains("no cached kernels").contains("ktstr4j kernel build").contains("kernel import");
        assertThat(err()).contains("ktstr4j cache: " + tmp.resolve("cache/kernels"))
                .contains("ktstr cache:   " + tmp.resolve("ktstr-cache") + " (read only)");
    }

    @Test
    void importedAndKtstrsEntriesAreListedAsTextAndJsonCorruptOnesWithWhy() throws IOException {
        assertThat(kernel("import", builtKernel("shipped").toString(), "--key", "shipped-a")).isZero();
        assertThat(out().strip()).isEqualTo(tmp.resolve("cache/kernels/shipped-a/bzImage").toString());
        assertThat(err()).contains("kernel import: " + tmp.resolve("shipped") + " -> ").contains("version 6.12.117");
        ktstrEntry("6.14.2-tarball-x86_64-kc9a8b7c6d");
        Files.createDirectories(tmp.resolve("cache/kernels/half-built"));
        out.reset();
        err.reset();

        assertThat(kernel("list")).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines.get(0)).startsWith("KEY").contains("ORIGIN", "VERSION", "SOURCE", "BUILT", "SIZE", "FILES");
        assertThat(lines.get(1)).startsWith("shipped-a")
                .contains("ktstr4j", "6.12.117", "local " + tmp.resolve("shipped"))
                .endsWith("btf,map");
        assertThat(lines.get(2)).startsWith("half-built").contains("(corrupt: no metadata.json)");
        assertThat(lines.get(3)).startsWith("6.14.2-tarball-x86_64-kc9a8b7c6d").contains("ktstr", "tarball")
                .contains("2026-01-01T00:00:00Z").endsWith("btf,map");

        out.reset();
        assertThat(kernel("list", "--json")).isZero();
        JsonNode rows = Json.readTree(out(), "stdout");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).get("key").asText()).isEqualTo("shipped-a");
        assertThat(rows.get(0).get("source").get("type").asText()).isEqualTo("local");
        assertThat(rows.get(0).get("has_btf").asBoolean()).isTrue();
        assertThat(rows.get(0).get("has_vmlinux").asBoolean()).isFalse();
        assertThat(rows.get(1).get("valid").asBoolean()).isFalse();
        assertThat(rows.get(1).get("corrupt").asText()).isEqualTo("no metadata.json");
        assertThat(rows.get(2).get("origin").asText()).isEqualTo("ktstr");
        assertThat(rows.get(2).get("size_bytes").asLong()).isPositive();
    }

    @Test
    void importRefusesATakenKeyWithoutForceAndBadInputWithExit2() throws IOException {
        Path dir = builtKernel("k");
        assertThat(kernel("import", dir.toString(), "--key", "k")).isZero();
        err.reset();
        assertThat(kernel("import", dir.toString(), "--key", "k")).isEqualTo(2);
        assertThat(err()).startsWith("ktstr4j kernel import: cache entry k already exists").contains("--force");
        assertThat(kernel("import", dir.toString(), "--key", "k", "--force")).isZero();
        err.reset();
        assertThat(kernel("import", dir.toString())).isEqualTo(2);
        assertThat(err()).contains("Missing required option: '--key=KEY'");
        err.reset();
        assertThat(kernel("import", tmp.resolve("nothing").toString(), "--key", "x")).isEqualTo(2);
        assertThat(err()).contains("no kernel image there");
    }

    @Test
    void cleanAsksOnATerminalRefusesWithoutOneAndNeverTouchesKtstrsCache() throws IOException {
        Path dir = builtKernel("k");
        for (String key : List.of("a", "b", "c")) {
            assertThat(kernel("import", dir.toString(), "--key", key)).isZero();
        }
        ktstrEntry("theirs");
        out.reset();
        err.reset();

        assertThat(kernel("clean")).isEqualTo(2);
        assertThat(err()).contains("confirmation requires a terminal. Use --force to skip.");
        terminalAnswer = "n";
        assertThat(kernel("clean", "--keep", "1")).isZero();
        assertThat(out()).contains("the following entries will be removed:").contains("aborted");
        assertThat(err()).contains("remove 2 entries? [y/N]");
        assertThat(tmp.resolve("cache/kernels/a")).exists();

        terminalAnswer = "y";
        out.reset();
        assertThat(kernel("clean", "--keep", "1")).isZero();
        assertThat(out()).contains("removed 2 cached kernel(s).");
        assertThat(Files.list(tmp.resolve("cache/kernels")).map(p -> p.getFileName().toString()).toList())
                .containsExactly("c");

        terminalAnswer = null;
        err.reset();
        assertThat(kernel("clean", "--keep", "1", "--corrupt-only")).isEqualTo(2);
        assertThat(err()).contains("--keep and --corrupt-only do not go together");
        out.reset();
        assertThat(kernel("clean", "--corrupt-only", "--force")).isZero();
        assertThat(out()).contains("nothing to clean");
        assertThat(kernel("clean", "--force")).isZero();
        assertThat(tmp.resolve("cache/kernels/c")).doesNotExist();
        assertThat(tmp.resolve("ktstr-cache/theirs/bzImage")).exists();
    }

    @Test
    void buildCachesASourceTreeAndPrintsTheImageThenAFailedStepShowsItsLog() throws IOException {
        GitFixture.assumeGit();
        Path tree = FakeKernelTree.create(tmp.resolve("linux"), "", "");
        Files.writeString(tree.resolve(".gitignore"), ".config\nvmlinux\nSystem.map\narch/x86/boot/\ninclude/\n");
        String head = GitFixture.repo(tree).substring(0, 7);

        assertThat(kernel("build", "--source", tree.toString(), "-j", "1")).isZero();
        Path image = Path.of(out().strip());
        assertThat(image.getParent().getFileName().toString()).startsWith("local-" + head + "-x86_64-kc");
        assertThat(image).isRegularFile();
        assertThat(err()).contains("kernel build: log: ").contains("kernel build: done in ")
                .contains("cached as local-");
        out.reset();
        assertThat(kernel("list")).isZero();
        assertThat(out()).contains("local-" + head).contains("6.99.1-fake");

        Path broken = FakeKernelTree.create(tmp.resolve("broken"), "", "echo 'error: boom' && false");
        err.reset();
        assertThat(kernel("build", "--source", broken.toString(), "--key", "broken")).isEqualTo(1);
        assertThat(err()).contains("ktstr4j kernel build: kernel build failed at step 'make bzImage'")
                .contains("last ").contains("error: boom");
    }

    @Test
    void buildNeedsExactlyOneSource() {
        assertThat(kernel("build")).isEqualTo(2);
        assertThat(err()).contains("no source given: --source DIR, --tarball FILE, --git URL --ref REF or --debian");
        err.reset();
        assertThat(kernel("build", "--source", "a", "--debian")).isEqualTo(2);
        assertThat(err()).contains("give one source, not 2");
        err.reset();
        assertThat(kernel("build", "--git", "https://example.org/linux.git")).isEqualTo(2);
        assertThat(err()).contains("needs --ref REF");
        err.reset();
        assertThat(kernel("build", "--debian", "6.12")).isEqualTo(2);
        assertThat(err()).contains("apt-get install linux-source-6.12");
    }
}
