package io.ktstr4j.pipeline.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.vmm.boot.BzImage;
import io.ktstr4j.vmm.monitor.KernelDebugFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real kernel build (11 minutes on 2 idle cores, 24 on a busy host; some 10 GiB of disk): Debian's linux-source
 * tarball through every step into a cache entry whose config has what the harness needs, whose image the KVM backend's
 * parser takes and whose System.map and BTF the monitor loads. Only in the heavy tier ({@code scripts/test.sh
 * --full}); skipped, saying why, without the source package or the build tools.
 */
@Tag("full")
class KernelBuildFullTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 90, unit = TimeUnit.MINUTES)
    void debiansLinuxSourceBuildsIntoAnEntryTheHarnessCanBoot() throws IOException {
        Path tarball = new DebianSources(Path.of("/usr/src")).find(null).orElse(null);
        Assumptions.assumeTrue(tarball != null, "no Debian kernel source in /usr/src (apt-get install "
                + "linux-source-6.12)");
        List<String> missing = HostTools.of(System.getenv()).missingForKernel(false);
        Assumptions.assumeTrue(missing.isEmpty(), "build tools missing: " + HostTools.aptLine(missing));

        KernelCache cache = new KernelCache(tmp.resolve("cache"), tmp.resolve("ktstr-cache"));
        KernelBuilder b = new KernelBuilder(cache, System.getenv(), HostTools.of(System.getenv()), Path.of("/usr/src"),
                System.err::println, Duration.ofSeconds(30));
        BuildResult r = b.build(new BuildRequest(new BuildSource.Debian(null, false), Runtime.getRuntime()
                .availableProcessors(), null, null, false));

        CacheEntry e = r.entry();
        assertThat(e.valid()).isTrue();
        assertThat(e.key()).matches("\\d+\\.\\d+(\\.\\d+)?-tarball-x86_64-kc" + Kconfig.fragment().hash());
        assertThat(Kconfig.missingRequired(Files.readString(e.dir().resolve("config"), StandardCharsets.ISO_8859_1)))
                .isEmpty();
        BzImage.parse(e.image().toString(), Files.readAllBytes(e.image()));
        KernelDebugFiles files = KernelDebugFiles.find(e.image()).orElseThrow();
        assertThat(files.symbols()).isEqualTo(e.dir().resolve("System.map"));
        assertThat(files.btf()).isEqualTo(e.dir().resolve("vmlinux.btf"));
        KernelDebugFiles.Loaded loaded = files.load();
        assertThat(loaded.symbols()).isNotNull();
        assertThat(loaded.btf()).isNotNull();
        assertThat(e.metadata().version()).isEqualTo(KernelInfo.version(e.image()));
        if (HostTools.of(System.getenv()).missingForScx().isEmpty()) {
            assertThat(e.hasScx()).as("the example schedulers, built: %s", r.warnings()).isTrue();
        }
        try (var builds = Files.list(cache.buildsDir())) {
            assertThat(builds.toList()).allSatisfy(d -> assertThat(KernelCacheTest.names(d))
                    .containsExactly("build.log"));
        }
    }
}
