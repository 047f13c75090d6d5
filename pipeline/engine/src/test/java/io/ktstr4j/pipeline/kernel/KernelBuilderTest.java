package io.ktstr4j.pipeline.kernel;

import static io.ktstr4j.pipeline.kernel.GitFixture.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builder's real steps (make, objcopy, git, tar) on a {@link FakeKernelTree}: keys, entries, reuse, dirty trees,
 * the .config check, missing tools, and a cancel that kills make's children and leaves no temporary folder.
 */
class KernelBuilderTest {

    @TempDir
    Path tmp;
    KernelCache cache;
    Map<String, String> env;
    Path include;
    final List<String> progress = new CopyOnWriteArrayList<>();
    final String kc = Kconfig.fragment().hash();

    @BeforeEach
    void host() throws IOException {
        GitFixture.assumeGit();
        cache = new KernelCache(tmp.resolve("cache"), tmp.resolve("ktstr-cache"));
        env = FakeKernelTree.env(tmp.resolve("stubs"));
        include = FakeKernelTree.include(tmp.resolve("include"));
    }

    KernelBuilder builder() {
        return builder(env);
    }

    KernelBuilder builder(Map<String, String> env) {
        return new KernelBuilder(cache, env, HostTools.of(env, include),
                tmp.resolve("usr-src"), progress::add, Duration.ofMillis(100));
    }

    /** A clean git work tree holding a fake kernel; returns its HEAD's 7 hex. */
    String cleanTree(Path dir, String olddefconfig, String bzImage) throws IOException {
        FakeKernelTree.create(dir, olddefconfig, bzImage);
        Files.writeString(dir.resolve(".gitignore"), ".config\n*.o\nvmlinux\nSystem.map\narch/x86/boot/\ninclude/\n");
        return GitFixture.repo(dir).substring(0, 7);
    }

    @Test
    void aCleanSourceTreeIsBuiltIntoAnEntryTheMonitorCanRead() throws IOException {
        Path tree = tmp.resolve("linux");
        String head = cleanTree(tree, "", "");
        BuildResult r = builder().build(new BuildRequest(new BuildSource.SourceTree(tree), 2, null, null, false));
        String key = "local-" + head + "-x86_64-kc" + kc;
        assertThat(r.entry().key()).isEqualTo(key);
        assertThat(r.reused()).isFalse();
        assertThat(KernelCacheTest.names(r.entry().dir())).containsExactly("System.map", "bzImage", "config",
                "metadata.json", "vmlinux", "vmlinux.btf");
        assertThat(Files.readAllBytes(r.entry().dir().resolve("vmlinux.btf"))).as("the .BTF section: int 42")
                .containsExactly(42, 0, 0, 0);
        KernelMetadata m = r.entry().metadata();
        assertThat(m.version()).isEqualTo("6.99.1-fake");
        assertThat(m.source()).isEqualTo(new KernelSource.Local(tree.toAbsolutePath(), head));
        assertThat(m.ktstrKconfigHash()).isEqualTo(kc);
        assertThat(m.hasVmlinux()).isTrue();
        assertThat(m.vmlinuxStripped()).isTrue();
        assertThat(m.configHash()).isEqualTo(Kconfig.crc32(Files.readAllBytes(tree.resolve(".config"))));
        String config = Files.readString(r.entry().dir().resolve("config"));
        assertThat(config).contains("CONFIG_DEFCONFIG=y", "CONFIG_KVM_GUEST=y", "# ktstr4j.kconfig",
                "CONFIG_SCHED_CLASS_EXT=y");
        String log = Files.readString(r.log());
        assertThat(log).contains("==> make defconfig", "==> make kvm_guest.config", "==> make olddefconfig",
                "==> make bzImage: make -j2 KCFLAGS=-Wno-error bzImage", "CC      kernel/sched/core.o",
                "==> objcopy .BTF");
        assertThat(r.log().getParent().getParent()).isEqualTo(cache.buildsDir());
        assertThat(progress).anyMatch(l -> l.startsWith("kernel build: cached " + key));

        // again: the entry is there, nothing is built; --force builds and replaces it
        progress.clear();
        BuildResult again = builder().build(new BuildRequest(new BuildSource.SourceTree(tree), 2, null, null, false));
        assertThat(again.reused()).isTrue();
        assertThat(again.entry().key()).isEqualTo(key);
        assertThat(progress).anyMatch(l -> l.contains("is cached already") && l.contains("--force"));
        BuildResult forced = builder().build(new BuildRequest(new BuildSource.SourceTree(tree), 2, null, "v2", true));
        assertThat(forced.entry().key()).isEqualTo(key + "-v2");
        assertThat(cache.list()).extracting(CacheEntry::key).containsExactly(key + "-v2", key);
    }

    @Test
    void aDirtyTreeIsBuiltButNotCachedUnlessAKeyIsGiven() throws IOException {
        Path tree = tmp.resolve("linux");
        cleanTree(tree, "", "");
        Files.writeString(tree.resolve("Makefile"), Files.readString(tree.resolve("Makefile")) + "# edited\n");
        BuildResult r = builder().build(new BuildRequest(new BuildSource.SourceTree(tree), 1, null, null, false));
        assertThat(r.entry()).isNull();
        assertThat(r.image()).isEqualTo(tree.toAbsolutePath().resolve("arch/x86/boot/bzImage"));
        assertThat(r.warnings()).anyMatch(w -> w.contains("uncommitted changes") && w.contains("without caching"));
        assertThat(cache.list()).isEmpty();

        BuildResult keyed = builder().build(new BuildRequest(new BuildSource.SourceTree(tree), 1, "my-wip", null,
                false));
        assertThat(keyed.entry().key()).isEqualTo("my-wip");
        assertThat(keyed.entry().metadata().source()).as("a dirty tree's HEAD describes nothing")
                .isEqualTo(new KernelSource.Local(tree.toAbsolutePath(), null));
    }

    @Test
    void aConfigThatLostARequiredOptionFailsNamingItAndTheLog() throws IOException {
        Path tree = tmp.resolve("linux");
        cleanTree(tree, "&& sed -i '/SCHED_CLASS_EXT/d' .config", "");
        KernelBuildException e = (KernelBuildException) org.assertj.core.api.Assertions.catchThrowable(() ->
                builder().build(new BuildRequest(new BuildSource.SourceTree(tree), 1, null, null, false)));
        assertThat(e.step()).isEqualTo("verify .config");
        assertThat(e.getMessage()).contains("CONFIG_SCHED_CLASS_EXT=y").contains("log: " + e.log());
        assertThat(e.tail(20)).anyMatch(l -> l.contains("==> make olddefconfig"));
        assertThat(cache.list()).isEmpty();
    }

    @Test
    void aFailingMakeNamesTheStepAndTheLogsTail() throws IOException {
        Path tree = tmp.resolve("linux");
        cleanTree(tree, "", "echo 'kernel/sched/ext.c:1: error: boom' && false");
        KernelBuildException e = (KernelBuildException) org.assertj.core.api.Assertions.catchThrowable(() ->
                builder().build(new BuildRequest(new BuildSource.SourceTree(tree), 1, null, null, false)));
        assertThat(e.step()).isEqualTo("make bzImage");
        assertThat(e.getMessage()).contains("exited 2");
        assertThat(e.tail(20)).anyMatch(l -> l.contains("error: boom"));
    }

    @Test
    void missingToolsAreNamedWithTheirAptLineBeforeAnythingRuns() {
        Map<String, String> bare = Map.of("PATH", tmp.resolve("empty").toString());
        assertThatThrownBy(() -> builder(bare).build(new BuildRequest(
                new BuildSource.SourceTree(tmp), 1, null, null, false)))
                .hasMessageContaining("apt-get install -y make gcc bison flex bc cpio dwarves binutils tar xz-utils "
                        + "zstd");
        assertThat(cache.buildsDir()).doesNotExist();
    }

    @Test
    void aTarballAndAGitRefBuildUnderKtstrsKeysAndLeaveNoUnpackedSource() throws IOException, InterruptedException {
        Path tree = tmp.resolve("src/linux-6.99.1");
        String head = cleanTree(tree, "", "");
        Path tarball = tmp.resolve("linux-6.99.1.tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", tarball.toString(), "-C", tmp.resolve("src").toString(),
                "linux-6.99.1").inheritIO().start();
        assertThat(tar.waitFor()).isZero();

        BuildResult t = builder().build(new BuildRequest(new BuildSource.Tarball(tarball), 1, null, null, false));
        assertThat(t.entry().key()).isEqualTo("6.99.1-tarball-x86_64-kc" + kc);
        assertThat(t.entry().metadata().source()).isEqualTo(new KernelSource.Tarball());

        git(tree, "tag", "v6.99.1");
        BuildResult g = builder().build(new BuildRequest(new BuildSource.GitRepo(tree.toString(), "v6.99.1"), 1, null,
                null, false));
        assertThat(g.entry().key()).isEqualTo("v6.99.1-git-" + head + "-x86_64-kc" + kc);
        assertThat(g.entry().metadata().source()).isEqualTo(new KernelSource.GitClone(head, "v6.99.1"));
        try (var builds = Files.list(cache.buildsDir())) {
            assertThat(builds.toList()).allSatisfy(b -> assertThat(KernelCacheTest.names(b))
                    .as("only the log stays").containsExactly("build.log"));
        }
    }

    @Test
    void debiansSourceMissingSaysWhichPackageToInstall() {
        assertThatThrownBy(() -> builder().build(new BuildRequest(new BuildSource.Debian("6.12", false), 1, null, null,
                false))).hasMessageContaining("linux-source-6.12.tar.xz")
                .hasMessageContaining("apt-get install linux-source-6.12").hasMessageContaining("--install");
    }

    @Test
    void cancelKillsMakesProcessTreeAndRemovesTheTemporaryFolders() throws Exception {
        Path tree = tmp.resolve("src/linux-6.99.1");
        cleanTree(tree, "", "sh -c 'sleep 3001 & sleep 3002; wait'");
        Path tarball = tmp.resolve("linux.tar.gz");
        assertThat(new ProcessBuilder("tar", "-czf", tarball.toString(), "-C", tmp.resolve("src").toString(),
                "linux-6.99.1").start().waitFor()).isZero();
        KernelBuilder b = builder();
        CompletableFuture<BuildResult> build = CompletableFuture.supplyAsync(() -> b.build(new BuildRequest(
                new BuildSource.Tarball(tarball), 1, null, null, false)));
        List<ProcessHandle> sleeps = List.of();
        for (int i = 0; i < 300 && sleeps.size() < 2; i++) {
            Thread.sleep(50);
            sleeps = ProcessHandle.current().descendants().filter(h -> h.info().arguments().map(a -> a.length == 1
                    && a[0].startsWith("300")).orElse(false)).toList();
        }
        assertThat(sleeps).as("make's children running").hasSize(2);
        Thread.sleep(300); // a progress line or two
        b.cancel();
        assertThatThrownBy(() -> build.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(KernelBuildException.class).hasMessageContaining("make bzImage': cancelled");
        for (ProcessHandle h : sleeps) {
            assertThat(h.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        }
        assertThat(progress).anyMatch(l -> l.startsWith("kernel build: make bzImage: 1 files compiled"));
        assertThat(KernelCacheTest.names(cache.root())).containsExactly(".builds");
        try (var builds = Files.list(cache.buildsDir())) {
            assertThat(builds.toList()).allSatisfy(d -> assertThat(KernelCacheTest.names(d))
                    .containsExactly("build.log"));
        }
    }
}
