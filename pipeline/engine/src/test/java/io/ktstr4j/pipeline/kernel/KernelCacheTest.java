package io.ktstr4j.pipeline.kernel;

import static io.ktstr4j.pipeline.kernel.CacheFixture.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two caches: listing, finding, corrupt entries, atomic publishing, cleaning ktstr4j's alone. */
class KernelCacheTest {

    @TempDir
    Path tmp;
    Path ours;
    Path ktstrs;
    KernelCache cache;

    @BeforeEach
    void caches() {
        ours = tmp.resolve("ktstr4j/kernels");
        ktstrs = tmp.resolve("ktstr/kernels");
        cache = new KernelCache(ours, ktstrs);
    }

    @Test
    void rootsFollowTheEnvironmentAsEachToolResolvesThem() {
        KernelCache c = KernelCache.fromEnv(Map.of("KTSTR4J_CACHE_DIR", "/c/k4j", "KTSTR_CACHE_DIR", "/c/kt"));
        assertThat(c.root()).isEqualTo(Path.of("/c/k4j/kernels"));
        assertThat(c.ktstrRoot()).as("ktstr takes KTSTR_CACHE_DIR as it is").isEqualTo(Path.of("/c/kt"));
        c = KernelCache.fromEnv(Map.of("HOME", "/home/u", "XDG_CACHE_HOME", "/xdg"));
        assertThat(c.root()).isEqualTo(Path.of("/home/u/.cache/ktstr4j/kernels"));
        assertThat(c.ktstrRoot()).isEqualTo(Path.of("/xdg/ktstr/kernels"));
        assertThat(KernelCache.fromEnv(Map.of("HOME", "/home/u")).ktstrRoot())
                .isEqualTo(Path.of("/home/u/.cache/ktstr/kernels"));
    }

    @Test
    void listsBothCachesNewestFirstWithCorruptEntriesAndWhy() throws IOException {
        entry(ours, "old", "2026-01-01T00:00:00Z");
        entry(ours, "new", "2026-03-01T00:00:00Z");
        entry(ktstrs, "6.14.2-tarball-x86_64-kcabcdef01", "2026-02-01T00:00:00Z");
        Files.createDirectories(ours.resolve("no-metadata")).resolve("bzImage").toFile().createNewFile();
        Files.delete(entry(ours, "no-image", "2026-04-01T00:00:00Z").resolve("bzImage"));
        Files.createDirectories(ours.resolve(".tmp-half-1"));
        Files.writeString(ours.resolve("stray-file"), "x");

        assertThat(cache.list()).extracting(CacheEntry::key)
                .containsExactly("new", "old", "no-image", "no-metadata", "6.14.2-tarball-x86_64-kcabcdef01");
        CacheEntry noImage = cache.find("no-image").orElseThrow();
        assertThat(noImage.valid()).isFalse();
        assertThat(noImage.corrupt()).isEqualTo("image file bzImage missing from entry directory");
        assertThat(cache.find("no-metadata").orElseThrow().corrupt()).isEqualTo("no metadata.json");
        CacheEntry theirs = cache.find("6.14.2-tarball-x86_64-kcabcdef01").orElseThrow();
        assertThat(theirs.origin()).isEqualTo(CacheEntry.Origin.KTSTR);
        assertThat(theirs.valid()).isTrue();
        assertThat(theirs.hasBtf()).isTrue();
        assertThat(theirs.hasSymbols()).isTrue();
        assertThat(theirs.hasScx()).isFalse();
        assertThat(cache.find(".tmp-half-1")).as("the cache's own folders are no entries").isEmpty();
        assertThat(cache.find("../ktstr")).isEmpty();
        assertThat(cache.newest(CacheEntry.Origin.KTSTR4J).orElseThrow().key()).isEqualTo("new");
    }

    @Test
    void anEntryInBothCachesIsOurs() throws IOException {
        entry(ours, "same", "2026-01-01T00:00:00Z");
        entry(ktstrs, "same", "2026-02-01T00:00:00Z");
        assertThat(cache.find("same").orElseThrow().origin()).isEqualTo(CacheEntry.Origin.KTSTR4J);
    }

    @Test
    void aStagedEntryAppearsWholeOnCommitAndLeavesNothingWhenAbandoned() throws IOException {
        KernelMetadata meta = KernelMetadataTest.git("2026-04-01T00:00:00Z");
        try (EntryStaging s = cache.stage("k1")) {
            Files.writeString(s.dir().resolve("bzImage"), "kernel");
            assertThat(s.dir().getParent()).as("beside the entries, one file system").isEqualTo(ours.toAbsolutePath());
            assertThat(cache.list()).as("not visible before the commit").isEmpty();
            CacheEntry e = s.commit(meta, false);
            assertThat(e.valid()).isTrue();
            assertThat(e.dir()).isEqualTo(ours.resolve("k1").toAbsolutePath());
        }
        try (EntryStaging s = cache.stage("k2")) {
            Files.writeString(s.dir().resolve("bzImage"), "kernel");
            // a failure before the commit: close() removes the folder
        }
        try (EntryStaging s = cache.stage("k3")) {
            assertThatThrownBy(() -> s.commit(meta, false)).hasMessageContaining("no bzImage was written");
        }
        assertThat(cache.list()).extracting(CacheEntry::key).containsExactly("k1");
        assertThat(names(ours)).containsExactly("k1");
    }

    @Test
    void aTakenKeyIsReplacedOnlyWhenAsked() throws IOException {
        entry(ours, "k", "2026-01-01T00:00:00Z");
        KernelMetadata meta = KernelMetadataTest.git("2026-04-01T00:00:00Z");
        try (EntryStaging s = cache.stage("k")) {
            Files.writeString(s.dir().resolve("bzImage"), "new kernel");
            assertThatThrownBy(() -> s.commit(meta, false)).hasMessageContaining("already exists")
                    .hasMessageContaining("--force");
        }
        assertThat(Files.readString(ours.resolve("k/bzImage"))).isEqualTo("kernel k");
        try (EntryStaging s = cache.stage("k")) {
            Files.writeString(s.dir().resolve("bzImage"), "new kernel");
            s.commit(meta, true);
        }
        assertThat(Files.readString(ours.resolve("k/bzImage"))).isEqualTo("new kernel");
        assertThat(names(ours)).containsExactly("k");
    }

    @Test
    void badKeysAreRefusedNamingTheRule() {
        assertThatThrownBy(() -> cache.stage("a/b")).hasMessageContaining("'a/b' must not contain '/'");
        assertThatThrownBy(() -> cache.stage(".hidden")).hasMessageContaining("must not start with '.'");
        assertThatThrownBy(() -> cache.stage(" ")).hasMessageContaining("is empty");
    }

    @Test
    void cleanChoosesAsKtstrDoesAndNeverTouchesKtstrsCache() throws IOException {
        entry(ours, "a", "2026-01-01T00:00:00Z");
        entry(ours, "b", "2026-02-01T00:00:00Z");
        entry(ours, "c", "2026-03-01T00:00:00Z");
        Files.createDirectories(ours.resolve("broken"));
        entry(ktstrs, "theirs", "2020-01-01T00:00:00Z");

        assertThat(cache.cleanCandidates(null, false)).extracting(CacheEntry::key)
                .containsExactly("c", "b", "a", "broken");
        assertThat(cache.cleanCandidates(2, false)).as("a corrupt entry never takes a keep slot")
                .extracting(CacheEntry::key).containsExactly("a", "broken");
        assertThat(cache.cleanCandidates(null, true)).extracting(CacheEntry::key).containsExactly("broken");

        cache.cleanCandidates(2, false).forEach(cache::remove);
        assertThat(names(ours)).containsExactly("b", "c");
        CacheEntry theirs = cache.find("theirs").orElseThrow();
        assertThatThrownBy(() -> cache.remove(theirs)).hasMessageContaining("ktstr's cache");
        assertThat(ktstrs.resolve("theirs/bzImage")).exists();
    }

    @Test
    void leftoversOfDeadProcessesAreFoundAndRemovedButALiveOnesAreNot() throws IOException {
        long dead = deadPid();
        Files.createDirectories(ours.resolve(".tmp-k-" + dead));
        Files.createDirectories(ours.resolve(".old-k-" + dead));
        Files.createDirectories(ours.resolve(".tmp-k-" + ProcessHandle.current().pid()));
        Files.createDirectories(ours.resolve(".builds"));
        assertThat(cache.orphans()).extracting(p -> p.getFileName().toString())
                .containsExactly(".old-k-" + dead, ".tmp-k-" + dead);
        assertThat(cache.removeOrphans()).isEqualTo(2);
        assertThat(names(ours)).containsExactly(".builds", ".tmp-k-" + ProcessHandle.current().pid());
    }

    /** The pid of a process that has ended. */
    static long deadPid() throws IOException {
        Process p = new ProcessBuilder("true").start();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return p.pid();
    }

    static java.util.List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
