package io.ktstr4j.sink.kafka.spool;

import static io.ktstr4j.sink.kafka.spool.SpoolWriterFailureTest.drainKeys;
import static io.ktstr4j.sink.kafka.spool.SpoolWriterFailureTest.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged places are reported as data, kept on disk as {@code .damaged}, and never make a reader spin. */
class SpoolReaderDamageTest {
    @TempDir
    Path dir;

    private static int entryBytes(int i) {
        return SpoolEntryCodec.encode(rec(i, 40)).remaining();
    }

    /** Lane a: entries 0..2 with entry 1's magic clobbered; lane b: entry 3. */
    private Path sessionWithGarbageInLaneA() throws IOException {
        Path s = dir.resolve("s");
        try (SpoolWriter a = new SpoolWriter(s, 'a', 1 << 20, 0)) {
            for (int i = 0; i < 3; i++) {
                a.append(rec(i, 40));
            }
        }
        try (SpoolWriter b = new SpoolWriter(s, 'b', 1 << 20, 0)) {
            b.append(rec(3, 40));
        }
        try (FileChannel ch = FileChannel.open(s.resolve("a-000001.seg"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), entryBytes(0));
        }
        return s;
    }

    /** One segment: entries 0..n-1, then half of another entry (a crash or a full disk mid-write). */
    private Path sessionWithTornTail(int n) throws IOException {
        Path s = dir.resolve("t");
        try (SpoolWriter a = new SpoolWriter(s, 'a', 1 << 20, 0)) {
            for (int i = 0; i < n; i++) {
                a.append(rec(i, 40));
            }
        }
        ByteBuffer half = SpoolEntryCodec.encode(rec(99, 40));
        half.limit(half.limit() / 2);
        Files.createDirectories(s);
        try (FileChannel ch = FileChannel.open(s.resolve("a-000001.seg"), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            ch.write(half);
        }
        return s;
    }

    @Test
    void damagedPlacesAreStructuredRecords() throws IOException {
        Path s = sessionWithGarbageInLaneA();
        Path segA = s.resolve("a-000001.seg");
        long size = Files.size(segA);
        SpoolReader r = new SpoolReader(s, false);
        assertThat(drainKeys(r)).containsExactly(0, 3);
        assertThat(r.damaged()).singleElement().satisfies(d -> {
            assertThat(d.segment()).isEqualTo(segA);
            assertThat(d.offset()).isEqualTo(entryBytes(0));
            assertThat(d.reason()).contains("bad magic");
            assertThat(d.bytesSkipped()).isEqualTo(size - entryBytes(0));
            assertThat(d.keptAs()).isEqualTo(s.resolve("a-000001.seg.damaged"));
        });
    }

    @Test
    void commitKeepsADamagedSegmentAsDotDamagedAndItIsNeverReplayedAgain() throws IOException {
        Path s = sessionWithGarbageInLaneA();
        SpoolReader r = new SpoolReader(s, false);
        SpoolReader.Position end = null;
        for (Optional<SpoolReader.Entry> e = r.next(); e.isPresent(); e = r.next()) {
            end = e.get().end();
        }
        r.commit(end, p -> false);
        assertThat(s.resolve("a-000001.seg")).doesNotExist();
        assertThat(s.resolve("a-000001.seg.damaged")).exists();
        assertThat(SpoolFiles.segments(s)).containsExactly(s.resolve("b-000001.seg"));
        assertThat(SpoolFiles.damaged(s)).containsExactly(s.resolve("a-000001.seg.damaged"));
        Files.delete(s.resolve(SpoolFiles.CURSOR)); // even from the start, the damaged segment is not read again
        assertThat(drainKeys(new SpoolReader(s, false))).containsExactly(3);
        // A writer in the same session does not reuse the damaged segment's name.
        try (SpoolWriter a = new SpoolWriter(s, 'a', 1 << 20, 0)) {
            a.append(rec(4, 40));
            assertThat(a.currentSegment()).isEqualTo(s.resolve("a-000002.seg"));
        }
    }

    @Test
    void aTornTailFoundAfterTheLastCommitIsKeptAsDamagedToo() throws IOException {
        Path s = sessionWithTornTail(3);
        SpoolReader r = new SpoolReader(s, false);
        SpoolReader.Position end = null;
        for (int i = 0; i < 3; i++) { // a chunk that ends exactly at the last good entry
            end = r.next().orElseThrow().end();
        }
        r.commit(end, p -> false);
        assertThat(s.resolve("a-000001.seg")).exists();
        assertThat(r.next()).isEmpty(); // finds the torn tail; nothing is waiting for a commit
        assertThat(r.damaged()).hasSize(1);
        assertThat(s.resolve("a-000001.seg")).doesNotExist();
        assertThat(s.resolve("a-000001.seg.damaged")).exists();
        assertThat(r.atEnd()).isTrue();
    }

    @Test
    void aTornTailFoundInTheSameChunkIsKeptAsDamagedByThatCommit() throws IOException {
        Path s = sessionWithTornTail(2);
        SpoolReader r = new SpoolReader(s, false);
        SpoolReader.Position end = null;
        for (Optional<SpoolReader.Entry> e = r.next(); e.isPresent(); e = r.next()) {
            end = e.get().end();
        }
        assertThat(s.resolve("a-000001.seg")).exists(); // entries 0 and 1 are not acknowledged yet
        r.commit(end, p -> false);
        assertThat(SpoolFiles.segments(s)).isEmpty();
        assertThat(SpoolFiles.damaged(s)).containsExactly(s.resolve("a-000001.seg.damaged"));
    }

    @Test
    void aDamagedPlaceReadAgainAfterARewindIsReportedOnce() throws IOException {
        Path s = sessionWithGarbageInLaneA();
        SpoolReader r = new SpoolReader(s, false);
        drainKeys(r);
        r.rewind();
        assertThat(drainKeys(r)).containsExactly(0, 3);
        assertThat(r.damaged()).hasSize(1);
        assertThat(s.resolve("a-000001.seg")).exists(); // entry 0 was never acknowledged
    }

    @Test
    void aReaderLoopOverATornTailEndsOnceTheWriterIsClosed() throws IOException {
        Path s = sessionWithTornTail(2);
        SpoolReader r = new SpoolReader(s, true);
        assertThat(drainKeys(r)).containsExactly(0, 1);
        assertThat(r.atEnd()).isFalse(); // a writer may still be writing the entry
        assertThat(r.damaged()).isEmpty();
        r.writerClosed();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            while (!r.atEnd()) {
                r.next();
            }
        });
        assertThat(r.damaged()).singleElement().satisfies(d -> assertThat(d.reason()).isEqualTo("torn tail"));
    }

    @Test
    void atEndAgreesWithNextWithoutANextCallFirst() throws IOException {
        Path s = sessionWithTornTail(0);
        SpoolReader r = new SpoolReader(s, p -> false); // no writer appends to any segment
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            while (!r.atEnd()) {
                r.next();
            }
        });
        assertThat(r.atEnd()).isTrue();
        assertThat(r.next()).isEmpty();
        assertThat(r.damaged()).hasSize(1);
    }

    @Test
    void anIncompleteEntryOfTheSegmentAWriterIsAppendingIsWaitedFor() throws IOException {
        Path s = dir.resolve("w");
        ByteBuffer whole = SpoolEntryCodec.encode(rec(7, 40));
        Files.createDirectories(s);
        Path seg = s.resolve("b-000001.seg");
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer half = whole.duplicate();
            half.limit(half.limit() / 2);
            ch.write(half);
            SpoolReader r = new SpoolReader(s, seg::equals);
            assertThat(r.next()).isEmpty();
            assertThat(r.atEnd()).isFalse();
            assertThat(r.damaged()).isEmpty();
            whole.position(half.limit());
            ch.write(whole);
            assertThat(r.next()).map(e -> e.record().keyText()).contains("run/v7");
            assertThat(r.atEnd()).isTrue();
        }
    }
    /** Found by SpoolFuzzTest: a cursor with a negative offset made every read throw IllegalArgumentException. */
    @Test
    void aCursorWithANegativeOffsetReplaysFromTheStart() throws IOException {
        Path s = sessionWithTornTail(2);
        Files.writeString(s.resolve(SpoolFiles.CURSOR), "a-000001.seg -5");
        SpoolReader r = new SpoolReader(s, false);
        assertThat(drainKeys(r)).containsExactly(0, 1);
        assertThat(r.atEnd()).isTrue();
    }

    /** Found by SpoolFuzzTest: a damaged length made the reader allocate what it claimed (up to 64 MiB). */
    @Test
    void aDamagedLengthIsATornTailNotAnAllocationOfWhatItClaims() throws IOException {
        Path s = dir.resolve("len");
        Files.createDirectories(s);
        ByteBuffer frame = SpoolEntryCodec.encode(rec(0, 40));
        frame.putInt(frame.position() + 4, SpoolEntryCodec.MAX_PAYLOAD); // magic intact, length 64 MiB
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        Files.write(s.resolve(SpoolFiles.segmentName('a', 1)), bytes);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        SpoolReader r = new SpoolReader(s, false);
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThat(r.next()).isEmpty();
        assertThat(r.atEnd()).isTrue();
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(1 << 20);
        assertThat(r.damaged()).singleElement().extracting(SpoolReader.Damage::reason).isEqualTo("torn tail");
    }
}
