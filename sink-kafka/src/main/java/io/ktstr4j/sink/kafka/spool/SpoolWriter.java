package io.ktstr4j.sink.kafka.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends spool entries to one lane of a spool session: files {@code <lane>-<nnnnnn>.seg}, rolled at a size limit,
 * never rewritten. Entries reach the disk with {@code fsync} (FileChannel.force) at most {@code syncIntervalNanos}
 * after they were written, on {@link #sync()} and on {@link #close()}: grouping syncs keeps a burst of spilled events
 * from costing one disk flush each. Not thread-safe: one writer thread per lane.
 */
public final class SpoolWriter implements AutoCloseable {
    private final Path dir;
    private final char lane;
    private final long segmentBytes;
    private final long syncIntervalNanos;
    private FileChannel channel;
    private Path current;
    private long currentSize;
    private int nextIndex;
    private boolean dirty;
    private long lastSync = System.nanoTime();
    private long entries;

    public SpoolWriter(Path dir, char lane, long segmentBytes, long syncIntervalNanos) {
        this.dir = dir;
        this.lane = lane;
        this.segmentBytes = segmentBytes;
        this.syncIntervalNanos = syncIntervalNanos;
        this.nextIndex = SpoolFiles.nextIndex(dir, lane);
    }

    public synchronized void append(OutRecord record) {
        ByteBuffer entry = SpoolEntryCodec.encode(record);
        try {
            if (channel == null || currentSize >= segmentBytes) {
                roll();
            }
            while (entry.hasRemaining()) {
                currentSize += channel.write(entry);
            }
            dirty = true;
            entries++;
            if (System.nanoTime() - lastSync >= syncIntervalNanos) {
                sync();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to spool segment " + current + ": " + e.getMessage(), e);
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

    private void roll() throws IOException {
        closeChannel();
        Files.createDirectories(dir);
        current = dir.resolve(SpoolFiles.segmentName(lane, nextIndex++));
        channel = FileChannel.open(current, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        currentSize = 0;
        SpoolFiles.syncDirectory(dir); // the new file's name must survive a crash too
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            sync();
            channel.close();
            channel = null;
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
