package io.ktstr4j.sink.kafka;

import io.ktstr4j.sink.kafka.spool.OutRecord;
import io.ktstr4j.sink.kafka.spool.SpoolFiles;
import io.ktstr4j.sink.kafka.spool.SpoolReader;
import io.ktstr4j.sink.kafka.spool.SpoolWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * One publication's spool directory: created (and locked, so {@code ktstr4j kafka replay} leaves it alone) on the
 * first record that goes to disk. An <em>episode</em> runs from the first spooled record until the spool is replayed
 * empty: lane a holds the records that were in flight when Kafka failed (older), lane b what arrived after (newer);
 * the reader replays a, then b, so every key keeps its order. Confined to the publisher's dispatcher thread.
 */
final class SpoolSession implements AutoCloseable {
    private static final long SEGMENT_BYTES = 64L << 20;
    /** fsync grouping: a spooled record reaches the disk at most this long after it was written. */
    static final long SYNC_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Path root;
    private Path dir;
    private FileChannel lockChannel;
    private FileLock lock;
    private SpoolWriter laneA;
    private SpoolWriter laneB;
    private SpoolReader reader;
    private final java.util.List<SpoolReader.Damage> pastDamage = new java.util.ArrayList<>();

    SpoolSession(Path root) {
        this.root = root;
    }

    /** The session directory, or null while nothing was spooled. */
    Path dir() {
        return dir;
    }

    /** Whether an episode is under way (something was spooled and not yet replayed). */
    boolean active() {
        return laneA != null || laneB != null || reader != null;
    }

    /** Appends to lane a (records that were in flight when Kafka failed). Throws UncheckedIOException naming the file. */
    void appendOlder(OutRecord r) {
        if (laneA == null) {
            laneA = new SpoolWriter(dir(true), 'a', SEGMENT_BYTES, SYNC_NANOS);
        }
        laneA.append(r);
    }

    /** Appends to lane b (records that arrived while the episode was under way). */
    void appendNewer(OutRecord r) {
        if (laneB == null) {
            laneB = new SpoolWriter(dir(true), 'b', SEGMENT_BYTES, SYNC_NANOS);
        }
        laneB.append(r);
    }

    /** fsyncs both lanes (on idle, and before the publisher ends). */
    void sync() {
        if (laneA != null) {
            laneA.sync();
        }
        if (laneB != null) {
            laneB.sync();
        }
    }

    /** The episode's reader, created when its replay starts (after every older record was written to lane a). */
    SpoolReader reader() {
        if (reader == null) {
            reader = new SpoolReader(dir(true), this::isOpen);
        }
        return reader;
    }

    /** Damaged places the replay skipped so far in this session (kept as {@code .damaged} files). */
    java.util.List<SpoolReader.Damage> damaged() {
        java.util.List<SpoolReader.Damage> all = new java.util.ArrayList<>(pastDamage);
        if (reader != null) {
            all.addAll(reader.damaged());
        }
        return all;
    }

    /** Whether a segment is still being appended to (the reader must not delete it on commit). */
    boolean isOpen(Path segment) {
        return (laneA != null && segment.equals(laneA.currentSegment()))
                || (laneB != null && segment.equals(laneB.currentSegment()));
    }

    /** The episode is replayed: close the lanes, delete its segments and cursor; the next one starts from nothing. */
    void endEpisode() {
        closeLanes();
        if (reader != null) {
            pastDamage.addAll(reader.damaged());
        }
        reader = null;
        try {
            SpoolFiles.deleteReplayed(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete replayed spool segments in " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    private void closeLanes() {
        if (laneA != null) {
            laneA.close();
            laneA = null;
        }
        if (laneB != null) {
            laneB.close();
            laneB = null;
        }
    }

    private Path dir(boolean create) {
        if (dir == null && create) {
            Path d = root.resolve(SpoolFiles.newSessionName());
            try {
                Files.createDirectories(d);
                lockChannel = FileChannel.open(d.resolve(SpoolFiles.LOCK), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                lock = lockChannel.tryLock();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the spool directory " + d + ": " + e.getMessage(), e);
            }
            dir = d;
        }
        return dir;
    }

    /** Closes the lanes (fsynced), releases the lock, and removes the directory when nothing is left in it. */
    @Override
    public void close() {
        closeLanes();
        if (dir == null) {
            return;
        }
        try {
            if (lock != null) {
                lock.release();
            }
            lockChannel.close();
            if (SpoolFiles.segments(dir).isEmpty()) {
                SpoolFiles.deleteSession(dir); // nothing left to replay (a session with .damaged files is kept)
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the spool directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
