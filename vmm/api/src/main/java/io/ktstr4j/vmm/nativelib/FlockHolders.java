package io.ktstr4j.vmm.nativelib;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who holds {@code flock(2)} locks on which files, from {@code /proc/locks}: its FLOCK lines name the holder's pid and
 * the file as {@code major:minor:inode}. A snapshot; empty where {@code /proc/locks} cannot be read.
 */
public final class FlockHolders {

    /** One flock: who holds it and how. */
    public record Holder(long pid, boolean exclusive) {
    }

    private final Map<String, List<Holder>> byFile;

    private FlockHolders(Map<String, List<Holder>> byFile) {
        this.byFile = byFile;
    }

    /** The flocks held on this host now. */
    public static FlockHolders read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/locks")));
        } catch (IOException e) {
            return new FlockHolders(Map.of());
        }
    }

    /** Parses {@code /proc/locks}: {@code 1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF}; waiters ({@code ->}) are not holders. */
    static FlockHolders parse(List<String> lines) {
        Map<String, List<Holder>> m = new TreeMap<>();
        for (String l : lines) {
            String[] f = l.trim().split("\\s+");
            if (f.length < 6 || !f[1].equals("FLOCK")) {
                continue;
            }
            try {
                m.computeIfAbsent(f[5], k -> new ArrayList<>()).add(new Holder(Long.parseLong(f[4]),
                        f[3].equals("WRITE")));
            } catch (NumberFormatException e) {
                // a "->" line of a waiter: fields shift, and it holds nothing
            }
        }
        return new FlockHolders(m);
    }

    /** The holders of {@code file}'s flocks (empty when none, or when the file is gone). */
    public List<Holder> of(Path file) {
        String id = fileId(file);
        return id == null ? List.of() : byFile.getOrDefault(id, List.of());
    }

    /** {@code major:minor:inode} as /proc/locks prints it (hex device numbers), or null when the file is gone. */
    static String fileId(Path file) {
        try {
            long ino = (Long) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            long dev = (Long) Files.getAttribute(file, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            // st_dev in the kernel's new encoding: major in bits 8-19, minor in bits 0-7 and 20-31
            long major = (dev >>> 8) & 0xfff;
            long minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
            return String.format("%02x:%02x:%d", major, minor, ino);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A process's command line, spaces between its arguments; empty when it is gone or unreadable. */
    public static String cmdline(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(b, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }
}
