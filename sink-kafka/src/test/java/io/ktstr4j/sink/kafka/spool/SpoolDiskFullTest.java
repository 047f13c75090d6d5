package io.ktstr4j.sink.kafka.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: a 1 MiB tmpfs (needs root, as in CI; skipped otherwise). Appends until the kernel says ENOSPC,
 * frees space and appends again: the segment must read back as a clean sequence of every acknowledged append.
 */
class SpoolDiskFullTest {
    @TempDir
    Path tmp;
    private Path mnt;
    private SmallTmpfs tmpfs;

    @BeforeEach
    void mountTmpfs() throws Exception {
        tmpfs = SmallTmpfs.mount(tmp.resolve("mnt"), "1m");
        mnt = tmpfs.dir();
    }

    @AfterEach
    void unmount() throws Exception {
        if (tmpfs != null) {
            tmpfs.close();
        }
    }

    @Test
    void noSpaceMidAppendLeavesACleanSegmentAndTheWriterRecovers() throws IOException {
        Path s = mnt.resolve("session");
        Path filler = mnt.resolve("filler");
        Files.write(filler, new byte[600 << 10]);
        List<Integer> written = new ArrayList<>();
        try (SpoolWriter w = new SpoolWriter(s, 'b', 64L << 20, 0)) {
            SpoolWriteException failure = null;
            for (int i = 0; i < 100 && failure == null; i++) {
                try {
                    w.append(SpoolWriterFailureTest.rec(i, 30_000));
                    written.add(i);
                } catch (SpoolWriteException e) {
                    failure = e;
                }
            }
            assertThat(failure).as("the 1 MiB tmpfs filled up").isNotNull();
            assertThat(failure).hasMessageContaining(w.currentSegment().toString())
                    .hasMessageContaining("No space left on device");
            assertThat(failure.segmentDamaged()).isFalse();
            assertThatThrownBy(() -> w.append(SpoolWriterFailureTest.rec(1000, 30_000)))
                    .isInstanceOf(SpoolWriteException.class);
            Files.delete(filler);
            w.append(SpoolWriterFailureTest.rec(1001, 30_000));
            written.add(1001);
            assertThat(w.damagedSegments()).isEmpty();
        }
        SpoolReader r = new SpoolReader(s, false);
        assertThat(SpoolWriterFailureTest.drainKeys(r)).isEqualTo(written);
        assertThat(r.damaged()).isEmpty();
    }
}
