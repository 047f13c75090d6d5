package io.ktstr4j.sink.kafka.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    private static OutRecord rec(String topic, int i) {
        return new OutRecord(topic, ("run/v" + (i % 3)).getBytes(StandardCharsets.UTF_8),
                List.of(OutRecord.Header.of("ktstr4j.event_id", "run/v/" + i), OutRecord.Header.of("content-type", "x")),
                ("{\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8), 1);
    }

    private static List<String> drain(SpoolReader r) {
        List<String> out = new ArrayList<>();
        for (Optional<SpoolReader.Entry> e = r.next(); e.isPresent(); e = r.next()) {
            out.add(new String(e.get().record().value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void entryRoundTripsEveryField() {
        OutRecord r = rec("ktstr4j.lifecycle", 7);
        ByteBuffer b = SpoolEntryCodec.encode(r);
        SpoolEntryCodec.Decoded d = SpoolEntryCodec.decode(b);
        assertThat(d).isInstanceOf(SpoolEntryCodec.Decoded.Entry.class);
        OutRecord back = ((SpoolEntryCodec.Decoded.Entry) d).record();
        assertThat(back.topic()).isEqualTo(r.topic());
        assertThat(back.key()).isEqualTo(r.key());
        assertThat(back.value()).isEqualTo(r.value());
        assertThat(back.eventCount()).isEqualTo(1);
        assertThat(back.header("ktstr4j.event_id")).isEqualTo("run/v/7");
        assertThat(back.headers()).hasSize(2);
        assertThat(((SpoolEntryCodec.Decoded.Entry) d).length()).isEqualTo(b.remaining());
    }

    @Test
    void flippedPayloadByteIsDetectedAsCorrupt() {
        ByteBuffer b = SpoolEntryCodec.encode(rec("t", 1));
        b.put(b.limit() - 2, (byte) (b.get(b.limit() - 2) ^ 0x40));
        assertThat(SpoolEntryCodec.decode(b)).isInstanceOf(SpoolEntryCodec.Decoded.Corrupt.class);
    }

    @Test
    void writesSegmentsInLaneOrderAndReadsThemBackInProductionOrder() {
        Path s = dir.resolve("s1");
        try (SpoolWriter a = new SpoolWriter(s, 'a', 200, 0); SpoolWriter b = new SpoolWriter(s, 'b', 200, 0)) {
            for (int i = 0; i < 10; i++) {
                a.append(rec("t", i));
            }
            for (int i = 10; i < 20; i++) {
                b.append(rec("t", i));
            }
        }
        assertThat(SpoolFiles.segments(s)).hasSizeGreaterThan(2); // rolled at 200 bytes
        List<String> got = drain(new SpoolReader(s, false));
        List<String> want = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            want.add("{\"seq\":" + i + "}");
        }
        assertThat(got).isEqualTo(want);
    }

    @Test
    void tornTailEndsTheSegmentAndReadingGoesOnWithTheNextOne() throws IOException {
        Path s = dir.resolve("s2");
        try (SpoolWriter a = new SpoolWriter(s, 'a', 1 << 20, 0)) {
            for (int i = 0; i < 5; i++) {
                a.append(rec("t", i));
            }
        }
        try (SpoolWriter b = new SpoolWriter(s, 'b', 1 << 20, 0)) {
            b.append(rec("t", 5));
        }
        // Simulate a crash in the middle of writing entry 5 of lane a: half an entry at its end.
        Path segA = SpoolFiles.segments(s).get(0);
        ByteBuffer half = SpoolEntryCodec.encode(rec("t", 99));
        half.limit(half.limit() / 2);
        try (FileChannel ch = FileChannel.open(segA, StandardOpenOption.APPEND)) {
            ch.write(half);
        }
        SpoolReader r = new SpoolReader(s, false);
        assertThat(drain(r)).containsExactly("{\"seq\":0}", "{\"seq\":1}", "{\"seq\":2}", "{\"seq\":3}", "{\"seq\":4}",
                "{\"seq\":5}");
        assertThat(r.damaged()).singleElement().asString().contains("torn tail");
    }

    @Test
    void tornTailOfTheNewestSegmentIsReportedWhenNotFollowingAWriter() throws IOException {
        Path s = dir.resolve("s3");
        try (SpoolWriter a = new SpoolWriter(s, 'a', 1 << 20, 0)) {
            a.append(rec("t", 0));
            a.append(rec("t", 1));
        }
        Path seg = SpoolFiles.segments(s).get(0);
        long size = Files.size(seg);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(size - 3); // the last entry lost its last bytes
        }
        SpoolReader follower = new SpoolReader(s, true);
        assertThat(drain(follower)).containsExactly("{\"seq\":0}");
        assertThat(follower.damaged()).isEmpty(); // might still be being written
        SpoolReader recovery = new SpoolReader(s, false);
        assertThat(drain(recovery)).containsExactly("{\"seq\":0}");
        assertThat(recovery.damaged()).hasSize(1);
        assertThat(recovery.atEnd()).isTrue();
    }

    @Test
    void garbageInTheMiddleSkipsTheRestOfThatSegmentOnly() throws IOException {
        Path s = dir.resolve("s4");
        try (SpoolWriter a = new SpoolWriter(s, 'a', 1 << 20, 0)) {
            for (int i = 0; i < 3; i++) {
                a.append(rec("t", i));
            }
        }
        try (SpoolWriter b = new SpoolWriter(s, 'b', 1 << 20, 0)) {
            b.append(rec("t", 3));
        }
        Path segA = SpoolFiles.segments(s).get(0);
        int first = SpoolEntryCodec.encode(rec("t", 0)).remaining();
        try (FileChannel ch = FileChannel.open(segA, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), first); // clobber entry 1's magic
        }
        SpoolReader r = new SpoolReader(s, false);
        assertThat(drain(r)).containsExactly("{\"seq\":0}", "{\"seq\":3}");
        assertThat(r.damaged()).singleElement().asString().contains("bad magic");
    }

    @Test
    void readerFollowsAWriterAndCommitPersistsTheCursorAndDeletesReplayedSegments() {
        Path s = dir.resolve("s5");
        SpoolWriter w = new SpoolWriter(s, 'b', 150, 0);
        SpoolReader r = new SpoolReader(s, true);
        assertThat(r.next()).isEmpty();
        w.append(rec("t", 0));
        w.append(rec("t", 1));
        assertThat(drain(r)).hasSize(2);
        w.append(rec("t", 2));
        w.append(rec("t", 3));
        w.append(rec("t", 4));
        List<String> more = new ArrayList<>();
        SpoolReader.Position afterThree = null;
        for (Optional<SpoolReader.Entry> e = r.next(); e.isPresent(); e = r.next()) {
            more.add(new String(e.get().record().value(), StandardCharsets.UTF_8));
            if (more.size() == 1) {
                afterThree = e.get().end();
            }
        }
        assertThat(more).containsExactly("{\"seq\":2}", "{\"seq\":3}", "{\"seq\":4}");
        int before = SpoolFiles.segments(s).size();
        r.commit(afterThree, p -> p.equals(w.currentSegment()));
        assertThat(SpoolFiles.segments(s).size()).isLessThan(before);
        w.close();
        // A new reader (after a crash, say) starts at the cursor: entries 3 and 4 are left.
        assertThat(drain(new SpoolReader(s, false))).containsExactly("{\"seq\":3}", "{\"seq\":4}");
    }

    @Test
    void rewindReturnsToTheLastCommit() {
        Path s = dir.resolve("s6");
        try (SpoolWriter w = new SpoolWriter(s, 'a', 1 << 20, 0)) {
            for (int i = 0; i < 4; i++) {
                w.append(rec("t", i));
            }
        }
        SpoolReader r = new SpoolReader(s, false);
        SpoolReader.Position p = r.next().orElseThrow().end();
        r.commit(p, x -> false);
        r.next();
        r.next();
        r.rewind();
        assertThat(drain(r)).containsExactly("{\"seq\":1}", "{\"seq\":2}", "{\"seq\":3}");
    }
}
