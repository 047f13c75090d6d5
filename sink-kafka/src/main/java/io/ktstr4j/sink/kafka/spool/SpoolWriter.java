package io.ktstr4j.sink.kafka.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends spool entries to one lane of a spool session: files {@code <lane>-<nnnnnn>.seg}, rolled at a size limit,
 * never rewritten. Entries reach the disk with {@code fsync} (FileChannel.force) at most {@code syncIntervalNanos}
 * after they were written, on {@link #sync()} and on {@link #close()}: grouping syncs keeps a burst of spilled events
 * from costing one disk flush each. Not thread-safe: one writer thread per lane.
 *
 * <p>A failed append (a full disk: ENOSPC, often after a short write; or a failed fsync) is undone: the segment is
 * truncated back to its size before that entry, so it stays a clean sequence of entries and later appends (once
 * space is freed) are readable; the append throws {@link SpoolWriteException}. If even the truncation fails, the
 * segment is closed, listed in {@link #damagedSegments()} (it ends in a torn entry, which a reader skips and reports)
 * and the next append starts a new segment.
 */
public final class SpoolWriter implements AutoCloseable {
    /** Opens a new segment file for writing; tests put a failing channel here. */
    interface SegmentOpener {
        FileChannel open(Path segment) throws IOException;
    }

    private final Path dir;
    private final char lane;
    private final long segmentBytes;
    private final long syncIntervalNanos;
    private final SegmentOpener opener;
    private final List<Path> damagedSegments = new ArrayList<>();
    private FileChannel channel;
    private Path current;
    private long currentSize;
    private int nextIndex;
    private boolean dirty;
    private long lastSync = System.nanoTime();
    private long entries;

    public SpoolWriter(Path dir, char lane, long segmentBytes, long syncIntervalNanos) {
        this(dir, lane, segmentBytes, syncIntervalNanos,
                p -> FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    SpoolWriter(Path dir, char lane, long segmentBytes, long syncIntervalNanos, SegmentOpener opener) {
        this.dir = dir;
        this.lane = lane;
        this.segmentBytes = segmentBytes;
        this.syncIntervalNanos = syncIntervalNanos;
        this.opener = opener;
        this.nextIndex = SpoolFiles.nextIndex(dir, lane);
    }

    /**
     * Appends one record.
     *
     * @throws SpoolWriteException the record is not in the spool (the message names the segment and the cause, e.g.
     *                             "No space left on device"); the writer stays usable
     */
    public synchronized void append(OutRecord record) {
        ByteBuffer entry = SpoolEntryCodec.encode(record);
        if (channel == null || currentSize >= segmentBytes) {
            try {
                roll();
            } catch (IOException e) {
                throw new SpoolWriteException("cannot roll spool segment " + current + " to a new one: "
                        + e.getMessage(), current, false, e);
            }
        }
        long before = currentSize;
        boolean syncNow = System.nanoTime() - lastSync >= syncIntervalNanos;
        try {
            while (entry.hasRemaining()) {
                channel.write(entry);
            }
            if (syncNow) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw undo(before, e);
        }
        currentSize = before + entry.limit();
        entries++;
        dirty = !syncNow;
        if (syncNow) {
            lastSync = System.nanoTime();
        }
    }

    /**
     * Cuts the segment back to {@code size} (its length before the failed entry). When that fails too, the segment is
     * given up: closed, remembered as damaged, and the next append rolls.
     */
    private SpoolWriteException undo(long size, IOException cause) {
        Path seg = current;
        try {
            channel.truncate(size);
            channel.position(size);
            return new SpoolWriteException("cannot append to spool segment " + seg + ": " + cause.getMessage()
                    + " (the entry was cut off again; the segment holds only complete entries)", seg, false, cause);
        } catch (IOException t) {
            cause.addSuppressed(t);
            damagedSegments.add(seg);
            try {
                channel.close();
            } catch (IOException c) {
                cause.addSuppressed(c);
            }
            channel = null;
            dirty = false;
            return new SpoolWriteException("cannot append to spool segment " + seg + ": " + cause.getMessage()
                    + " (and cannot cut the torn entry off: " + t.getMessage() + "; the segment is closed as damaged,"
                    + " the next append starts a new one)", seg, true, cause);
        }
    }

    /** Forces everything written so far to the disk. */
    public synchronized void sync() {
        if (channel != null && dirty) {
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot fsync spool segment " + current + ": " + e.getMessage(), e);
            }
            dirty = false;
        }
        lastSync = System.nanoTime();
    }

    public synchronized long entries() {
        return entries;
    }

    /** The segment being appended to, or null before the first append / after close. */
    public synchronized Path currentSegment() {
        return current;
    }

    /**
     * Segments this writer gave up on because a failed append could not be cut off again: each ends in a torn entry
     * (skipped and reported by {@link SpoolReader}); the entries before it are intact and are replayed.
     */
    public synchronized List<Path> damagedSegments() {
        return List.copyOf(damagedSegments);
    }

    private void roll() throws IOException {
        closeChannel();
        Files.createDirectories(dir);
        current = dir.resolve(SpoolFiles.segmentName(lane, nextIndex++));
        channel = opener.open(current);
        currentSize = 0;
        dirty = false;
        SpoolFiles.syncDirectory(dir); // the new file's name must survive a crash too
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            FileChannel ch = channel;
            channel = null; // even if the fsync fails: the next append rolls rather than writing to a half-closed file
            try {
                if (dirty) {
                    ch.force(false);
                }
            } finally {
                dirty = false;
                ch.close();
            }
        }
    }

    @Override
    public synchronized void close() {
        try {
            closeChannel();
            current = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close spool segment " + current + ": " + e.getMessage(), e);
        }
    }
}
