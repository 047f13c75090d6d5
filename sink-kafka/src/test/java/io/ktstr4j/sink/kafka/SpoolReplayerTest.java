package io.ktstr4j.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.sink.kafka.spool.SpoolFiles;
import io.ktstr4j.sink.kafka.spool.SpoolReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay summary must not hide damaged spool data (no broker needed). */
class SpoolReplayerTest {
    @TempDir
    Path dir;

    @Test
    void aSessionHoldingADamagedSegmentIsNotDeleted() throws IOException {
        Path s = Files.createDirectories(dir.resolve("20250101-120000-000-00000000"));
        Files.write(s.resolve("b-000001.seg"), new byte[0]);
        Files.write(s.resolve("a-000001.seg.damaged"), new byte[10]);
        Files.writeString(s.resolve(SpoolFiles.CURSOR), "b-000001.seg 0\n");
        Files.write(s.resolve(SpoolFiles.LOCK), new byte[0]);
        assertThat(SpoolReplayer.deleteSession(s)).isTrue(); // kept
        assertThat(s).exists();
        try (var files = Files.list(s)) {
            assertThat(files).containsExactly(s.resolve("a-000001.seg.damaged"));
        }
        Path clean = Files.createDirectories(dir.resolve("20250101-120000-001-00000000"));
        Files.write(clean.resolve("a-000001.seg"), new byte[0]);
        assertThat(SpoolReplayer.deleteSession(clean)).isFalse();
        assertThat(clean).doesNotExist();
    }

    @Test
    void theSummaryLineNamesEachDamagedSegmentTheBytesSkippedAndTheKeptSession() {
        Path s = dir.resolve("20250101-120000-000-00000000");
        SpoolReader.Damage d = new SpoolReader.Damage(s.resolve("a-000001.seg"), 4096, "torn tail", 1234);
        SpoolReplayer.ReplaySummary sum = new SpoolReplayer.ReplaySummary(1, 0, 10, 12, List.of(d), List.of(s), null);
        assertThat(sum.line())
                .startsWith("kafka replay: 1 sessions (0 skipped: in use), 10 records, 12 events replayed")
                .contains(s.resolve("a-000001.seg.damaged").toString())
                .contains("1234 bytes skipped")
                .contains("at byte 4096")
                .contains("torn tail")
                .contains("not deleted: " + s);
        SpoolReplayer.ReplaySummary clean = new SpoolReplayer.ReplaySummary(1, 0, 10, 12, List.of(), List.of(), null);
        assertThat(clean.line()).isEqualTo("kafka replay: 1 sessions (0 skipped: in use), 10 records, 12 events replayed");
    }
}
