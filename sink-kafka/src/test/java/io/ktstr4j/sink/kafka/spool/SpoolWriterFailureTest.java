package io.ktstr4j.sink.kafka.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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

/** A failed append (full disk, I/O error) must leave the segment a clean sequence of entries. */
class SpoolWriterFailureTest {
    @TempDir
    Path dir;

    static OutRecord rec(int i, int valueBytes) {
        byte[] v = new byte[valueBytes];
        byte[] seq = ("{\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(seq, 0, v, 0, Math.min(seq.length, v.length));
        return new OutRecord("t", ("run/v" + i).getBytes(StandardCharsets.UTF_8),
                List.of(OutRecord.Header.of("ktstr4j.event_id", "run/v/" + i)), v, 1);
    }

    static List<Integer> drainKeys(SpoolReader r) {
        List<Integer> out = new ArrayList<>();
        for (Optional<SpoolReader.Entry> e = r.next(); e.isPresent(); e = r.next()) {
            out.add(Integer.parseInt(e.get().record().keyText().substring("run/v".length())));
        }
        return out;
    }

    private static FileChannel open(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Test
    void aShortWriteThenNoSpaceIsCutBackAndTheWriterGoesOnAfterSpaceIsFreed() throws IOException {
        Path s = dir.resolve("s");
        List<FailingChannel> opened = new ArrayList<>();
        int entry = SpoolEntryCodec.encode(rec(0, 100)).remaining();
        SpoolWriter w = new SpoolWriter(s, 'a', 1 << 20, 0, p -> {
            FailingChannel c = new FailingChannel(open(p), 2L * entry + entry / 2); // room for 2.5 entries
            opened.add(c);
            return c;
        });
        w.append(rec(0, 100));
        w.append(rec(1, 100));
        Path seg = w.currentSegment();
        assertThatThrownBy(() -> w.append(rec(2, 100)))
                .isInstanceOf(SpoolWriteException.class)
                .hasMessageContaining(seg.toString())
                .hasMessageContaining("No space left on device")
                .satisfies(e -> {
                    SpoolWriteException x = (SpoolWriteException) e;
                    assertThat(x.segment()).isEqualTo(seg);
                    assertThat(x.reason()).isEqualTo("No space left on device");
                    assertThat(x.segmentDamaged()).isFalse();
                });
        assertThat(Files.size(seg)).isEqualTo(2L * entry); // the half-written entry is gone
        opened.get(0).quota = 1 << 20; // space freed
        w.append(rec(3, 100));
        w.close();
        assertThat(w.entries()).isEqualTo(3);
        assertThat(w.damagedSegments()).isEmpty();
        assertThat(SpoolFiles.segments(s)).containsExactly(seg);
        SpoolReader r = new SpoolReader(s, false);
        assertThat(drainKeys(r)).containsExactly(0, 1, 3);
        assertThat(r.damaged()).isEmpty();
    }

    @Test
    void aFailedFsyncCutsTheEntryBackToo() throws IOException {
        Path s = dir.resolve("s");
        List<FailingChannel> opened = new ArrayList<>();
        SpoolWriter w = new SpoolWriter(s, 'b', 1 << 20, 0, p -> {
            FailingChannel c = new FailingChannel(open(p), 1 << 20);
            opened.add(c);
            return c;
        });
        w.append(rec(0, 50));
        long size = Files.size(w.currentSegment());
        opened.get(0).forceFails = true;
        assertThatThrownBy(() -> w.append(rec(1, 50))).isInstanceOf(SpoolWriteException.class)
                .hasMessageContaining(w.currentSegment().toString()).hasMessageContaining("No space left on device");
        assertThat(Files.size(w.currentSegment())).isEqualTo(size);
        opened.get(0).forceFails = false;
        w.append(rec(2, 50));
        w.close();
        assertThat(drainKeys(new SpoolReader(s, false))).containsExactly(0, 2);
    }

    @Test
    void whenTheCutFailsTheSegmentIsClosedAsDamagedAndTheNextAppendStartsANewOne() throws IOException {
        Path s = dir.resolve("s");
        int entry = SpoolEntryCodec.encode(rec(0, 100)).remaining();
        List<FailingChannel> opened = new ArrayList<>();
        SpoolWriter w = new SpoolWriter(s, 'a', 1 << 20, 0, p -> {
            FailingChannel c = new FailingChannel(open(p), opened.isEmpty() ? entry + entry / 2 : 1 << 20);
            c.truncateFails = opened.isEmpty();
            opened.add(c);
            return c;
        });
        w.append(rec(0, 100));
        Path first = w.currentSegment();
        assertThatThrownBy(() -> w.append(rec(1, 100))).isInstanceOf(SpoolWriteException.class)
                .hasMessageContaining(first.toString()).hasMessageContaining("No space left on device")
                .satisfies(e -> assertThat(((SpoolWriteException) e).segmentDamaged()).isTrue());
        assertThat(w.damagedSegments()).containsExactly(first);
        assertThat(opened.get(0).isOpen()).isFalse();
        w.append(rec(2, 100));
        assertThat(w.currentSegment()).isNotEqualTo(first);
        w.close();
        SpoolReader r = new SpoolReader(s, false);
        assertThat(drainKeys(r)).containsExactly(0, 2);
        // The torn entry is at the end of the first segment, so only its own bytes are skipped.
        assertThat(r.damaged()).singleElement().asString().contains(first.getFileName().toString())
                .contains("torn tail");
    }
}
