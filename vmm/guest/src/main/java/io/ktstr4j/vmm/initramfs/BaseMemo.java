package io.ktstr4j.vmm.initramfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Which base archive a set of inputs made, so that the next build from the same inputs, none of them changed on disk,
 * skips reading, packing and hashing them (about 15 ms a variant under a gauntlet, every variant alike). A file counts
 * as unchanged while its size, modification time and identity (device and inode) are; a file rewritten in place
 * within the file system's time granularity at the same size is not seen, nor is a library newly placed earlier on
 * the search path than the one resolved, which is why the memo only lives as long as the process. Anything that does not match takes the full build, which stays the only place a base is made.
 */
final class BaseMemo {

    /** Enough for a gauntlet's schedulers × include sets; past it the memo starts over. */
    private static final int MAX_ENTRIES = 64;
    private static final Map<List<Object>, Entry> MEMO = new ConcurrentHashMap<>();

    private BaseMemo() {}

    /** One host file as it was when it was read. */
    record Stamp(Path path, long size, long modifiedNanos, Object fileKey) {
        static Stamp of(Path p) throws IOException {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return new Stamp(p, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey());
        }

        boolean unchanged() {
            try {
                return equals(of(path));
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** What a base was: its key, its size before compression, and the stamps of every host file it was made from. */
    record Entry(String key, long cpioBytes, List<Stamp> stamps) {
        Entry {
            stamps = List.copyOf(stamps);
        }
    }

    /** The entry for these inputs when every file it was made from is unchanged (its archive is the caller's to check). */
    static Entry find(List<Object> inputs) {
        Entry e = MEMO.get(inputs);
        return e != null && e.stamps().stream().allMatch(Stamp::unchanged) ? e : null;
    }

    static void remember(List<Object> inputs, Entry e) {
        if (MEMO.size() >= MAX_ENTRIES) {
            MEMO.clear();
        }
        MEMO.put(java.util.Collections.unmodifiableList(new ArrayList<>(inputs)), e);
    }

    /** Stamps files before they are read: a change after the stamp is caught by the next build's check. */
    static final class Reads {
        private final List<Stamp> stamps = new ArrayList<>();

        byte[] read(Path p) throws IOException {
            stamps.add(Stamp.of(p));
            return Files.readAllBytes(p);
        }

        List<Stamp> stamps() {
            return stamps;
        }
    }
}
