package io.ktstr4j.pipeline.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metadata.json: written exactly as ktstr writes it, read leniently, unusable files named with why. */
class KernelMetadataTest {

    @TempDir
    Path tmp;

    static KernelMetadata git(String builtAt) {
        return new KernelMetadata("6.14.2", new KernelSource.GitClone("abc1234", "v6.14.2"), "x86_64", "bzImage",
                "1f2e3d4c", builtAt, "9a8b7c6d", null, true, true, 123L, 1_700_000_000L);
    }

    @Test
    void writesKtstrsLayoutEveryFieldInOrderNullsIncluded() throws IOException {
        git("2026-04-01T00:00:00Z").write(tmp);
        assertThat(Files.readString(tmp.resolve("metadata.json"))).isEqualTo("""
                {
                  "version": "6.14.2",
                  "source": {
                    "type": "git",
                    "git_hash": "abc1234",
                    "ref": "v6.14.2"
                  },
                  "arch": "x86_64",
                  "image_name": "bzImage",
                  "config_hash": "1f2e3d4c",
                  "built_at": "2026-04-01T00:00:00Z",
                  "ktstr_kconfig_hash": "9a8b7c6d",
                  "extra_kconfig_hash": null,
                  "has_vmlinux": true,
                  "vmlinux_stripped": true,
                  "source_vmlinux_size": 123,
                  "source_vmlinux_mtime_secs": 1700000000
                }""");
        assertThat(KernelMetadata.read(tmp)).isEqualTo(git("2026-04-01T00:00:00Z"));
    }

    @Test
    void everySourceRoundTripsWithItsPayloadFields() {
        for (KernelSource s : new KernelSource[] {new KernelSource.Tarball(), new KernelSource.GitClone(null, "main"),
                new KernelSource.Local(Path.of("/src/linux"), null)}) {
            assertThat(KernelSource.fromJson(s.toJson())).isEqualTo(s);
        }
        assertThat(new KernelSource.Local(Path.of("/src/linux"), null).toJson().toString())
                .isEqualTo("{\"type\":\"local\",\"source_tree_path\":\"/src/linux\",\"git_hash\":null}");
        assertThat(new KernelSource.Tarball().toJson().toString()).isEqualTo("{\"type\":\"tarball\"}");
    }

    @Test
    void readsOlderAndForeignSpellingsAndIgnoresUnknownFields() throws IOException {
        Files.writeString(tmp.resolve("metadata.json"), """
                {"version": "6.13.0", "source": {"Git": {"git_hash": "def5678", "ref": "main"}},
                 "built_at": "2026-01-01T00:00:00+00:00", "future_field": [1, 2]}""");
        KernelMetadata m = KernelMetadata.read(tmp);
        assertThat(m.source()).isEqualTo(new KernelSource.GitClone("def5678", "main"));
        assertThat(m.imageName()).as("absent image_name").isEqualTo("bzImage");
        assertThat(m.builtAtInstant()).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        Files.writeString(tmp.resolve("metadata.json"), "{\"source\": \"Tarball\", \"built_at\": \"yesterday\"}");
        assertThat(KernelMetadata.read(tmp).source()).isEqualTo(new KernelSource.Tarball());
        assertThat(KernelMetadata.read(tmp).builtAtInstant()).isNull();
    }

    @Test
    void unusableMetadataSaysWhy() throws IOException {
        assertThatThrownBy(() -> KernelMetadata.read(tmp)).hasMessage("no metadata.json");
        Files.writeString(tmp.resolve("metadata.json"), "{\"version\": ");
        assertThatThrownBy(() -> KernelMetadata.read(tmp)).hasMessageStartingWith("metadata.json is not valid JSON");
        Files.writeString(tmp.resolve("metadata.json"), "[1]");
        assertThatThrownBy(() -> KernelMetadata.read(tmp)).hasMessage("metadata.json is not a JSON object");
        Files.writeString(tmp.resolve("metadata.json"), "{\"image_name\": \"../../etc/passwd\"}");
        assertThatThrownBy(() -> KernelMetadata.read(tmp)).hasMessageContaining("is not a file name");
        assertThat(KernelMetadata.readOrNull(tmp)).isNull();
    }
}
