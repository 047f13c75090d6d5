package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarFilesTest {

    @TempDir
    Path dir;

    static SidecarResult.Builder sidecar() {
        return VariantHashTest.sidecar().kernelVersion("6.12.117").projectCommit("a1b2c3d-dirty");
    }

    @Test
    void theLayoutIsKernelDashCommitThenTestDashHash() {
        SidecarResult s = sidecar().variantHash("00000000000000ff").build();
        assertThat(SidecarFiles.path(dir, s))
                .isEqualTo(dir.resolve("6.12.117-a1b2c3d-dirty/steady-00000000000000ff.ktstr.json"));
        SidecarResult unknown = sidecar().kernelVersion(null).projectCommit(null).build();
        assertThat(SidecarFiles.path(dir, unknown)).as("no hash field: computed")
                .isEqualTo(dir.resolve("unknown-unknown/steady-bc0f38005915a09f.ktstr.json"));
    }

    @Test
    void namesCannotLeaveTheFolder() {
        SidecarResult s = sidecar().testName("../up").kernelVersion("a/b").variantHash("0000000000000001").build();
        assertThat(SidecarFiles.path(dir, s))
                .isEqualTo(dir.resolve("a_b-a1b2c3d-dirty/_._up-0000000000000001.ktstr.json"));
    }

    @Test
    void theLastWriterWinsAndNoTempFileIsLeft() throws IOException {
        SidecarResult first = sidecar().variantHash("0000000000000001").runId("r1").build();
        SidecarResult second = first.toBuilder().runId("r2").build();
        Path p = SidecarFiles.write(dir, first);
        assertThat(SidecarFiles.write(dir, second)).isEqualTo(p);
        assertThat(Json.read(p, SidecarResult.class).runId()).isEqualTo("r2");
        try (Stream<Path> files = Files.list(p.getParent())) {
            assertThat(files).containsExactly(p);
        }
    }
}
