package io.ktstr4j.sink.kafka.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads one spool session in replay order, from its persisted cursor on. Crash-safe: an entry cut short by a crash
 * (a torn tail: too short, or failing its checksum) ends that segment; the reader moves on to the next segment and
 * counts it in {@link #damaged()}. At the end of the newest segment an incomplete entry means "not written yet" and
 * {@link #next()} returns empty, so a reader can follow a writer in the same process.
 */
public final class SpoolReader {
    /** A position in a session: a segment file name and a byte offset in it. */
    public record Position(String segment, long offset) {
    }

    /** A spooled record and the position just after it. */
    public record Entry(OutRecord record, Position end) {
    }

    /** Offset that marks a segment whose rest was skipped as damaged. */
    private static final long SKIPPED = Long.MAX_VALUE;
    private final Path session;
    private final boolean followWriter;
    private Position committed;
    private Position position;
    private final List<String> damaged = new ArrayList<>();

    /**
     * @param followWriter true when a writer in this process may still append to the session: an incomplete entry at
     *                     the end of the newest segment is then "not written yet" rather than a torn tail
     */
    public SpoolReader(Path session, boolean followWriter) {
        this.session = session;
        this.followWriter = followWriter;
        this.committed = readCursor(session);
        this.position = committed;
    }

    public Path session() {
        return session;
    }

    /** The next complete entry, or empty when none is available now. */
    public Optional<Entry> next() {
        while (true) {
            List<Path> segs = SpoolFiles.segments(session);
            int i = indexAtOrAfter(segs, position.segment());
            if (i < 0) {
                return Optional.empty();
            }
            Path seg = segs.get(i);
            String name = seg.getFileName().toString();
            long offset = name.equals(position.segment()) ? position.offset() : 0;
            boolean last = i == segs.size() - 1;
            ReadResult r = readAt(seg, offset);
            if (r.entry != null) {
                position = new Position(name, offset + r.length);
                return Optional.of(new Entry(r.entry, position));
            }
            boolean torn = !r.cleanEnd && r.corrupt == null;
            if (r.corrupt != null || (torn && (!last || !followWriter))) {
                // Nothing after a damaged place in a segment can be trusted: skip the rest of it.
                damaged.add(name + " at byte " + offset + ": " + (r.corrupt != null ? r.corrupt : "torn tail"));
                position = new Position(name, SKIPPED);
            } else {
                position = new Position(name, offset);
            }
            if (last) {
                return Optional.empty();
            }
            position = new Position(segs.get(i + 1).getFileName().toString(), 0);
        }
    }

    /** Whether the reader stands at the clean end of the newest segment (nothing left to replay). */
    public boolean atEnd() {
        List<Path> segs = SpoolFiles.segments(session);
        if (segs.isEmpty()) {
            return true;
        }
        int i = indexAtOrAfter(segs, position.segment());
        if (i < 0) {
            return true;
        }
        if (i < segs.size() - 1) {
            return false;
        }
        Path seg = segs.get(i);
        long offset = seg.getFileName().toString().equals(position.segment()) ? position.offset() : 0;
        try {
            return Files.size(seg) <= offset;
        } catch (IOException e) {
            return false;
        }
    }

    /** Returns to the last committed position (after a failed replay attempt). */
    public void rewind() {
        position = committed;
    }

    public Position position() {
        return position;
    }

    /**
     * Records that everything before {@code upTo} is acknowledged: persists the cursor (write, fsync, rename) and
     * deletes fully replayed segments, except those {@code keep} protects (a segment still open for writing).
     */
    public void commit(Position upTo, Predicate<Path> keep) {
        committed = upTo;
        Path tmp = session.resolve(SpoolFiles.CURSOR + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap((upTo.segment() + " " + upTo.offset() + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(false);
            }
            Files.move(tmp, session.resolve(SpoolFiles.CURSOR), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            for (Path seg : SpoolFiles.segments(session)) {
                if (seg.getFileName().toString().compareTo(upTo.segment()) < 0 && !keep.test(seg)) {
                    Files.deleteIfExists(seg);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write spool cursor in " + session + ": " + e.getMessage(), e);
        }
    }

    /** Descriptions of damaged places skipped so far (torn tails, checksum failures). */
    public List<String> damaged() {
        return List.copyOf(damaged);
    }

    private static int indexAtOrAfter(List<Path> segs, String name) {
        for (int i = 0; i < segs.size(); i++) {
            if (segs.get(i).getFileName().toString().compareTo(name) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private record ReadResult(OutRecord entry, int length, String corrupt, boolean cleanEnd) {
    }

    private static ReadResult readAt(Path seg, long offset) {
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size <= offset) {
                return new ReadResult(null, 0, null, true);
            }
            ByteBuffer head = ByteBuffer.allocate(SpoolEntryCodec.FRAME_HEADER);
            readFully(ch, head, offset);
            head.flip();
            if (head.remaining() < SpoolEntryCodec.FRAME_HEADER) {
                return new ReadResult(null, 0, null, false);
            }
            int len = head.getInt(4);
            if (head.getInt(0) != SpoolEntryCodec.MAGIC || len < 0 || len > SpoolEntryCodec.MAX_PAYLOAD) {
                SpoolEntryCodec.Decoded d = SpoolEntryCodec.decode(head);
                return new ReadResult(null, 0, d instanceof SpoolEntryCodec.Decoded.Corrupt c ? c.why() : "bad frame",
                        false);
            }
            ByteBuffer all = ByteBuffer.allocate(SpoolEntryCodec.FRAME_HEADER + len);
            readFully(ch, all, offset);
            all.flip();
            SpoolEntryCodec.Decoded d = SpoolEntryCodec.decode(all);
            if (d instanceof SpoolEntryCodec.Decoded.Entry e) {
                return new ReadResult(e.record(), e.length(), null, false);
            }
            if (d instanceof SpoolEntryCodec.Decoded.Corrupt c) {
                // A checksum failure at the very end of the file is a torn write, not corruption.
                boolean atTail = offset + SpoolEntryCodec.FRAME_HEADER + len >= size;
                return new ReadResult(null, 0, atTail ? null : c.why(), false);
            }
            return new ReadResult(null, 0, null, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spool segment " + seg + ": " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long offset) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                return;
            }
            pos += n;
        }
    }

    private static Position readCursor(Path session) {
        Path cursor = session.resolve(SpoolFiles.CURSOR);
        if (Files.isRegularFile(cursor)) {
            try {
                String[] parts = Files.readString(cursor).trim().split(" ");
                if (parts.length == 2) {
                    return new Position(parts[0], Long.parseLong(parts[1]));
                }
            } catch (IOException | NumberFormatException e) {
                // An unreadable cursor means: replay from the start (consumers drop duplicates by event id).
            }
        }
        return new Position("", 0);
    }
}
