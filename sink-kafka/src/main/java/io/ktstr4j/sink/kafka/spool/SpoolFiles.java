package io.ktstr4j.sink.kafka.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names and layout of a spool directory:
 * <pre>
 *   &lt;spool dir&gt;/&lt;yyyyMMdd-HHmmss-SSS&gt;-&lt;8 hex&gt;/     one session per publisher (sorted by name = by age)
 *       a-000001.seg …   lane a: records that were in flight or queued when Kafka failed (older)
 *       b-000001.seg …   lane b: records that overflowed the in-memory buffer after that (newer)
 *       cursor           "&lt;segment&gt; &lt;offset&gt;": everything before it has been acknowledged
 *       lock             held (file lock) by the live publisher that owns the session
 *       a-000002.seg.damaged   a replayed segment that had a damaged place, kept for inspection (never replayed)
 * </pre>
 * Replay order is lane a, then lane b, each by segment number: this is the order the events were produced in.
 */
public final class SpoolFiles {
    public static final String CURSOR = "cursor";
    public static final String LOCK = "lock";
    public static final String DAMAGED_SUFFIX = ".damaged";
    private static final Pattern SEGMENT = Pattern.compile("([ab])-(\\d{6})\\.seg");
    private static final DateTimeFormatter SESSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private SpoolFiles() {
    }

    public static String segmentName(char lane, int index) {
        return String.format("%c-%06d.seg", lane, index);
    }

    public static boolean isSegment(Path p) {
        return SEGMENT.matcher(p.getFileName().toString()).matches();
    }

    public static String newSessionName() {
        return LocalDateTime.now().format(SESSION_TIME) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Segments of a session in replay order (names sort that way: lane letter, then zero-padded number); never the
     * {@code .damaged} ones.
     */
    public static List<Path> segments(Path session) {
        if (!Files.isDirectory(session)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(session)) {
            return s.filter(SpoolFiles::isSegment).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list spool session " + session + ": " + e.getMessage(), e);
        }
    }

    /** Segments kept as {@code <name>.damaged} (replayed up to a damaged place, kept for inspection), by name. */
    public static List<Path> damaged(Path session) {
        if (!Files.isDirectory(session)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(session)) {
            return s.filter(p -> p.getFileName().toString().endsWith(DAMAGED_SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list spool session " + session + ": " + e.getMessage(), e);
        }
    }

    /** Session directories under a spool root, oldest first. */
    public static List<Path> sessions(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list spool directory " + root + ": " + e.getMessage(), e);
        }
    }

    static int nextIndex(Path dir, char lane) {
        int max = 0;
        List<Path> all = new java.util.ArrayList<>(segments(dir));
        all.addAll(damaged(dir)); // a new segment must not take a damaged one's name (its rename would collide)
        for (Path p : all) {
            String name = p.getFileName().toString();
            Matcher m = SEGMENT.matcher(name.endsWith(DAMAGED_SUFFIX)
                    ? name.substring(0, name.length() - DAMAGED_SUFFIX.length()) : name);
            if (m.matches() && m.group(1).charAt(0) == lane) {
                max = Math.max(max, Integer.parseInt(m.group(2)));
            }
        }
        return max + 1;
    }

    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to open directories; the data itself is still fsynced.
        }
    }

    /** Deletes what a replay has sent: the segments and the cursor (not {@code .damaged} files, not the lock). */
    public static void deleteReplayed(Path session) throws IOException {
        for (Path p : segments(session)) {
            Files.deleteIfExists(p);
        }
        Files.deleteIfExists(session.resolve(CURSOR));
        Files.deleteIfExists(session.resolve(CURSOR + ".tmp"));
    }

    /**
     * Deletes a replayed session: its segments, cursor and lock, then the directory unless it holds {@code .damaged}
     * segments (kept for inspection) or anything else that is not ours.
     *
     * @return true when the directory is kept because of {@code .damaged} segments
     */
    public static boolean deleteSession(Path session) throws IOException {
        deleteReplayed(session);
        Files.deleteIfExists(session.resolve(LOCK));
        if (!damaged(session).isEmpty()) {
            return true;
        }
        try {
            Files.deleteIfExists(session);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // Something that is not ours is in there: leave the directory.
        }
        return false;
    }
}
