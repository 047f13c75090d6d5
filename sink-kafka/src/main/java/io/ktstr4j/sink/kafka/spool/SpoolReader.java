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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads one spool session in replay order, from its persisted cursor on. Crash-safe: an entry cut short by a crash
 * (a torn tail: too short, or failing its checksum) or bytes that are not an entry end that segment; the reader moves
 * on to the next segment and reports the place in {@link #damaged()}.
 *
 * <p>A segment with a damaged place is never deleted: once everything before that place is acknowledged (committed)
 * it is renamed to {@code <name>.damaged}, which {@link SpoolFiles#segments} does not list, so it is kept for
 * inspection and never replayed again.
 *
 * <p>Following a writer: at the end of the newest segment an incomplete entry means "not written yet" only while a
 * writer is still appending to that segment; {@link #next()} then returns empty and {@link #atEnd()} is false. Once
 * the writer is closed or gone (see {@link #writerClosed()} and the {@code appending} predicate) the same bytes are a
 * torn tail: reported, skipped, and {@link #atEnd()} is true. {@code next()} and {@code atEnd()} always agree:
 * {@code while (!atEnd()) next()} ends unless a writer is still appending.
 */
public final class SpoolReader {
    /** A position in a session: a segment file name and a byte offset in it. */
    public record Position(String segment, long offset) {
    }

    /** A spooled record and the position just after it. */
    public record Entry(OutRecord record, Position end) {
    }

    /**
     * A damaged place: reading skipped {@code bytesSkipped} bytes of {@code segment} (the rest of it) from
     * {@code offset} on, for {@code reason} ("torn tail", "bad magic 0x…", "checksum mismatch", …).
     */
    public record Damage(Path segment, long offset, String reason, long bytesSkipped) {
        /** Where the segment is kept for inspection once its good entries are acknowledged. */
        public Path keptAs() {
            return segment.resolveSibling(segment.getFileName() + SpoolFiles.DAMAGED_SUFFIX);
        }

        @Override
        public String toString() {
            return segment + " at byte " + offset + ": " + reason + " (" + bytesSkipped + " bytes skipped)";
        }
    }

    /** Offset that marks a segment whose rest was skipped as damaged. */
    private static final long SKIPPED = Long.MAX_VALUE;
    private final Path session;
    private final Predicate<Path> appending;
    private volatile boolean writerClosed;
    private Position committed;
    private Position position;
    /** End of the last entry {@link #next()} handed out that is not committed yet; null when none is outstanding. */
    private Position handedOut;
    /** Stopped at an incomplete entry that a writer is still appending. */
    private boolean waiting;
    /** One damaged place per segment at most (the rest of the segment is skipped), by segment name. */
    private final Map<String, Damage> damaged = new LinkedHashMap<>();

    /**
     * @param followWriter true when a writer in this process may still append to the session: an incomplete entry at
     *                     the end of the newest segment is then "not written yet" rather than a torn tail, until
     *                     {@link #writerClosed()} is called
     */
    public SpoolReader(Path session, boolean followWriter) {
        this.session = session;
        this.appending = followWriter ? this::isNewest : p -> false;
        this.committed = readCursor(session);
        this.position = committed;
    }

    /**
     * @param appending whether a live writer is still appending to a segment (e.g. {@code p ->
     *                  p.equals(writer.currentSegment())}): an incomplete entry at the end of the newest segment is
     *                  "not written yet" only while this says true for it, a torn tail (damage) otherwise. It is
     *                  asked before the segment is read, so a writer that has moved on has finished its writes there.
     *                  Segments it says true for are not renamed to {@code .damaged} by the reader on its own.
     */
    public SpoolReader(Path session, Predicate<Path> appending) {
        this.session = session;
        this.appending = appending;
        this.committed = readCursor(session);
        this.position = committed;
    }

    /**
     * Tells the reader that no writer appends to the session any more (its writers are closed or died): an incomplete
     * entry at the end is then a torn tail, reported and skipped.
     */
    public void writerClosed() {
        writerClosed = true;
    }

    public Path session() {
        return session;
    }

    /** The next complete entry, or empty when none is available now. */
    public Optional<Entry> next() {
        return advance(true);
    }

    /**
     * Whether nothing is left to replay: true exactly when {@link #next()} would return empty and no writer is still
     * appending an incomplete entry. Like {@code next()} it moves over (and reports) damaged places.
     */
    public boolean atEnd() {
        return advance(false).isEmpty() && !waiting;
    }

    /**
     * Moves to the next entry (returned; consumed only when {@code take}), over clean segment ends and damaged places.
     * Empty when there is no entry now; {@link #waiting} then says whether a writer is still appending one.
     */
    private Optional<Entry> advance(boolean take) {
        while (true) {
            waiting = false;
            List<Path> segs = SpoolFiles.segments(session);
            int i = indexAtOrAfter(segs, position.segment());
            if (i < 0) {
                return Optional.empty();
            }
            Path seg = segs.get(i);
            String name = seg.getFileName().toString();
            long offset = name.equals(position.segment()) ? position.offset() : 0;
            boolean last = i == segs.size() - 1;
            boolean open = last && isAppending(seg); // asked before reading: see the constructor
            ReadResult r = readAt(seg, offset);
            if (r.entry != null) {
                Position end = new Position(name, offset + r.length);
                if (take) {
                    position = end;
                    handedOut = end;
                }
                return Optional.of(new Entry(r.entry, end));
            }
            if (r.cleanEnd || (r.corrupt == null && open)) {
                position = new Position(name, offset);
                waiting = !r.cleanEnd;
            } else {
                // Nothing after a damaged place in a segment can be trusted: skip the rest of it.
                damaged.putIfAbsent(name, new Damage(seg, offset, r.corrupt != null ? r.corrupt : "torn tail",
                        Math.max(0, r.size - offset)));
                position = new Position(name, SKIPPED);
                if (handedOut == null) {
                    // Everything before this place is acknowledged: keep the segment as .damaged now, before anyone
                    // deletes the session's segments.
                    persist(position, this::isAppending, true);
                }
            }
            if (last) {
                return Optional.empty();
            }
            position = new Position(segs.get(i + 1).getFileName().toString(), 0);
        }
    }

    /** Returns to the last committed position (after a failed replay attempt). */
    public void rewind() {
        position = committed;
        handedOut = null;
        waiting = false;
    }

    public Position position() {
        return position;
    }

    /**
     * Records that everything before {@code upTo} is acknowledged: persists the cursor (write, fsync, rename) and
     * deletes fully replayed segments, except those {@code keep} protects (a segment still open for writing). A
     * replayed segment that had a damaged place is not deleted but renamed to {@code <name>.damaged}. When
     * {@code upTo} is the end of the last entry {@link #next()} returned, the cursor also moves over the damaged
     * places and segment ends read after it.
     */
    public void commit(Position upTo, Predicate<Path> keep) {
        Position target = upTo;
        if (upTo.equals(handedOut)) {
            target = position;
            handedOut = null;
        }
        persist(target, keep, false);
    }

    private void persist(Position upTo, Predicate<Path> keep, boolean bestEffort) {
        Path tmp = session.resolve(SpoolFiles.CURSOR + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap((upTo.segment() + " " + upTo.offset() + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(false);
            }
            Files.move(tmp, session.resolve(SpoolFiles.CURSOR), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            committed = upTo;
            boolean renamed = false;
            for (Path seg : SpoolFiles.segments(session)) {
                String name = seg.getFileName().toString();
                int cmp = name.compareTo(upTo.segment());
                Damage d = damaged.get(name);
                if (keep.test(seg) || cmp > 0) {
                    continue;
                }
                if (d != null && (cmp < 0 || d.offset() <= upTo.offset())) {
                    Files.move(seg, d.keptAs(), StandardCopyOption.ATOMIC_MOVE);
                    renamed = true;
                } else if (d == null && cmp < 0) {
                    Files.deleteIfExists(seg);
                }
            }
            if (renamed) {
                SpoolFiles.syncDirectory(session);
            }
        } catch (IOException e) {
            if (!bestEffort) {
                throw new UncheckedIOException("cannot write spool cursor or keep damaged segments in " + session
                        + ": " + e.getMessage(), e);
            }
            // From next(): the next commit() tries again (it covers every damaged segment the cursor has passed).
        }
    }

    /**
     * Damaged places skipped so far (torn tails, checksum failures, garbage), each once, in the order found. Their
     * segments are kept as {@link Damage#keptAs()} once committed past; the entries after them are lost.
     */
    public List<Damage> damaged() {
        return List.copyOf(damaged.values());
    }

    private boolean isAppending(Path seg) {
        return !writerClosed && appending.test(seg);
    }

    private boolean isNewest(Path seg) {
        List<Path> segs = SpoolFiles.segments(session);
        return !segs.isEmpty() && segs.get(segs.size() - 1).equals(seg);
    }

    private static int indexAtOrAfter(List<Path> segs, String name) {
        for (int i = 0; i < segs.size(); i++) {
            if (segs.get(i).getFileName().toString().compareTo(name) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private record ReadResult(OutRecord entry, int length, String corrupt, boolean cleanEnd, long size) {
    }

    private static ReadResult readAt(Path seg, long offset) {
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size <= offset) {
                return new ReadResult(null, 0, null, true, size);
            }
            ByteBuffer head = ByteBuffer.allocate(SpoolEntryCodec.FRAME_HEADER);
            readFully(ch, head, offset);
            head.flip();
            if (head.remaining() < SpoolEntryCodec.FRAME_HEADER) {
                return new ReadResult(null, 0, null, false, size);
            }
            int len = head.getInt(4);
            if (head.getInt(0) != SpoolEntryCodec.MAGIC || len < 0 || len > SpoolEntryCodec.MAX_PAYLOAD) {
                SpoolEntryCodec.Decoded d = SpoolEntryCodec.decode(head);
                return new ReadResult(null, 0, d instanceof SpoolEntryCodec.Decoded.Corrupt c ? c.why() : "bad frame",
                        false, size);
            }
            if (offset + SpoolEntryCodec.FRAME_HEADER + len > size) {
                // Incomplete (a torn tail, or a write in progress), as decode would say after reading what is there:
                // decided before allocating, since a damaged length claimed up to 64 MiB for a file of a few bytes.
                return new ReadResult(null, 0, null, false, size);
            }
            ByteBuffer all = ByteBuffer.allocate(SpoolEntryCodec.FRAME_HEADER + len);
            readFully(ch, all, offset);
            all.flip();
            SpoolEntryCodec.Decoded d = SpoolEntryCodec.decode(all);
            if (d instanceof SpoolEntryCodec.Decoded.Entry e) {
                return new ReadResult(e.record(), e.length(), null, false, size);
            }
            if (d instanceof SpoolEntryCodec.Decoded.Corrupt c) {
                // A checksum failure at the very end of the file is a torn write, not corruption.
                boolean atTail = offset + SpoolEntryCodec.FRAME_HEADER + len >= size;
                return new ReadResult(null, 0, atTail ? null : c.why(), false, size);
            }
            return new ReadResult(null, 0, null, false, size);
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
                // A negative offset (a damaged cursor) made every read fail with IllegalArgumentException.
                if (parts.length == 2 && Long.parseLong(parts[1]) >= 0) {
                    return new Position(parts[0], Long.parseLong(parts[1]));
                }
            } catch (IOException | NumberFormatException e) {
                // An unreadable cursor means: replay from the start (consumers drop duplicates by event id).
            }
        }
        return new Position("", 0);
    }
}
