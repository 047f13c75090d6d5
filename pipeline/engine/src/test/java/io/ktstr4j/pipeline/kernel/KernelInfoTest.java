package io.ktstr4j.pipeline.kernel;

import static io.ktstr4j.pipeline.kernel.GitFixture.repo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kernel_version and kernel_commit from a ktstr cache entry, a git kernel tree or a plain folder. */
class KernelInfoTest {

    @TempDir
    Path tmp;

    private Path entry(String name, String metadata) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("metadata.json"), metadata);
        return Files.writeString(dir.resolve("bzImage"), "kernel");
    }

    @Test
    void aGitCacheEntryNamesItsVersionAndRecordedHash() throws IOException {
        // what ktstr 0.4.9 writes: the source internally tagged, every payload field present
        Path k = entry("6.14.2-git-abc1234-x86_64-kc1", """
                {"version": "6.14.2", "source": {"type": "git", "git_hash": "abc1234", "ref": "v6.14.2"},
                 "arch": "x86_64", "image_name": "bzImage", "config_hash": "1f2e", "built_at": "2026-04-01T00:00:00Z",
                 "ktstr_kconfig_hash": "9a8b", "has_vmlinux": true, "vmlinux_stripped": true}""");
        assertThat(KernelInfo.version(k)).isEqualTo("6.14.2");
        assertThat(KernelInfo.commit(k)).isEqualTo("abc1234");
    }

    @Test
    void externallyTaggedAndTarballSourcesAreReadToo() throws IOException {
        Path git = entry("ext", "{\"version\": \"6.13.0\", \"source\": {\"Git\": {\"git_hash\": \"def5678\", \"ref\": \"main\"}}}");
        assertThat(KernelInfo.commit(git)).isEqualTo("def5678");
        Path tarball = entry("tar", "{\"version\": \"6.12.9\", \"source\": \"Tarball\", \"extra\": [1]}");
        assertThat(KernelInfo.version(tarball)).isEqualTo("6.12.9");
        assertThat(KernelInfo.commit(tarball)).as("a tarball has no commit").isNull();
        Path tagged = entry("tar2", "{\"version\": \"6.12.10\", \"source\": {\"type\": \"tarball\"}}");
        assertThat(KernelInfo.commit(tagged)).isNull();
    }

    @Test
    void aLocalEntryProbesItsSourceTreeWhileItExistsElseKeepsTheRecordedHash() throws IOException {
        GitFixture.assumeGit();
        Path tree = tmp.resolve("linux");
        String head = repo(tree, "Makefile", "VERSION = 6\n");
        Files.writeString(tree.resolve("Makefile"), "VERSION = 7\n");
        Path live = entry("local", "{\"version\": \"6.15.0\", \"source\": {\"type\": \"local\", \"source_tree_path\": \""
                + tree + "\", \"git_hash\": null}}");
        assertThat(KernelInfo.commit(live)).isEqualTo(head.substring(0, 7) + "-dirty");
        Path gone = entry("local-gone", "{\"version\": \"6.15.0\", \"source\": {\"type\": \"local\", "
                + "\"source_tree_path\": \"" + tmp.resolve("deleted-tree") + "\", \"git_hash\": \"0123abc\"}}");
        assertThat(KernelInfo.commit(gone)).isEqualTo("0123abc");
    }

    @Test
    void anImageInsideAGitKernelTreeIsThatTreesHeadAndRelease() throws IOException {
        GitFixture.assumeGit();
        Path tree = tmp.resolve("linux");
        String head = repo(tree, "Makefile", "VERSION = 6\n", ".gitignore", "arch/x86/boot/bzImage\ninclude/config/\n");
        Files.createDirectories(tree.resolve("include/config"));
        Files.writeString(tree.resolve("include/config/kernel.release"), "6.15.0-rc1-00042-gdeadbee\n");
        Path image = Files.createDirectories(tree.resolve("arch/x86/boot")).resolve("bzImage");
        Files.writeString(image, "kernel");
        assertThat(KernelInfo.version(image)).isEqualTo("6.15.0-rc1-00042-gdeadbee");
        assertThat(KernelInfo.commit(image)).as("build outputs are untracked").isEqualTo(head.substring(0, 7));

        Files.writeString(tree.resolve("vmlinux"), "elf");
        assertThat(KernelInfo.commit(tree.resolve("vmlinux"))).as("vmlinux at the top of the tree")
                .isEqualTo(head.substring(0, 7));
    }

    @Test
    void aTreeThatIsOnlyInsideAnotherRepositoryHasNoCommit() throws IOException {
        GitFixture.assumeGit();
        Path outer = tmp.resolve("project");
        repo(outer, "README", "x");
        Path image = Files.createDirectories(outer.resolve("kernels/linux/arch/x86/boot")).resolve("bzImage");
        Files.writeString(image, "kernel");
        assertThat(KernelInfo.commit(image)).isNull();
    }

    @Test
    void aPlainFolderGivesTheConfigHeadersVersionAndNoCommit() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("6.12.117-scx"));
        Files.writeString(dir.resolve("config"), "#\n# Automatically generated file; DO NOT EDIT.\n"
                + "# Linux/x86 6.12.117 Kernel Configuration\n#\n");
        Path image = Files.writeString(dir.resolve("bzImage"), "kernel");
        assertThat(KernelInfo.version(image)).isEqualTo("6.12.117");
        assertThat(KernelInfo.commit(image)).isNull();

        Path bare = Files.writeString(Files.createDirectories(tmp.resolve("6.13.1-custom")).resolve("bzImage"), "k");
        assertThat(KernelInfo.version(bare)).as("from the folder name").isEqualTo("6.13.1-custom");
    }

    @Test
    void aBrokenMetadataFileFallsBackToTheOtherSources() throws IOException {
        Path k = entry("6.11.4-broken", "{\"version\": ");
        assertThat(KernelInfo.version(k)).isEqualTo("6.11.4-broken");
        assertThat(KernelInfo.commit(k)).isNull();
        assertThat(KernelInfo.version(null)).isNull();
        assertThat(KernelInfo.commit(null)).isNull();
    }

    @Test
    void aFullHashFromKtstrsMetadataIsShortenedAsALiveTreeGivesIt() {
        assertThat(KernelInfo.shortHash("0123456789abcdef0123456789abcdef01234567")).isEqualTo("0123456");
        assertThat(KernelInfo.shortHash("0123456789abcdef-dirty")).isEqualTo("0123456-dirty");
        assertThat(KernelInfo.shortHash("v6.12")).isEqualTo("v6.12");
        assertThat(KernelInfo.shortHash(null)).isNull();
    }
}
