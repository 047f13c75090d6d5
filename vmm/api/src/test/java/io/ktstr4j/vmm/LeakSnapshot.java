package io.ktstr4j.vmm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What this JVM holds that a VM could leak: open fds, threads by name, the mappings a VM makes, the VM folders and
 * files under the shared-memory folders, child processes. Take one before boot/cancel cycles and compare the one
 * after with {@link #leaksSince}: every count that grew is a leak, named. Used by the QEMU cycles (vmm-qemu) and the
 * KVM cycles in the rig (vmm-kvm).
 *
 * <ul>
 *   <li>fds: {@code /proc/self/fd} targets, sockets and pipes counted by kind (their inode numbers change);</li>
 *   <li>threads: names with digits folded ({@code kvm-vm-#-vcpu-#}), except the shared pools that grow and shrink on
 *       their own (Reactor's, the JDK's process reapers, ForkJoin, JIT/GC helpers);</li>
 *   <li>maps ({@code /proc/self/smaps}): mappings of {@code /dev/shm}, {@code /run} or ktstr4j files, KVM's
 *       {@code anon_inode} pages (kvm_run), and anonymous read-write {@code MAP_NORESERVE} mappings of 128 MiB or more
 *       (the KVM VMM's guest RAM; glibc arenas are at most 64 MiB, the Java heap is not NORESERVE once committed);</li>
 *   <li>shm: the {@code ktstr4j*} entries of each shared-memory folder and the {@code vm-*} folders in this user's
 *       {@code ktstr4j-<uid>} folder, except those whose lock another live process holds ({@code /proc/locks}: a
 *       concurrent run on the same machine) and the older layout's {@code ktstr4j-qemu-*} (never made by this code);</li>
 *   <li>children: this JVM's child processes by command.</li>
 * </ul>
 */
public record LeakSnapshot(Map<String, Integer> fds, Map<String, Integer> threads, Map<String, Integer> maps,
        Map<String, Integer> shm, Map<String, Integer> children) {

    private static final Pattern SHARED_POOLS = Pattern.compile("(boundedElastic|parallel|single|elastic|"
            + "process reaper|ForkJoinPool|Common-Cleaner|Attach Listener|C[12] CompilerThread|Signal Dispatcher|"
            + "Notification Thread|Finalizer|Reference Handler|surefire|junit|JNA Cleaner|Thread-#|"
            + "ktstr4j-qemu-reaper).*");
    private static final Pattern MAP_HEADER = Pattern.compile(
            "^([0-9a-f]+)-([0-9a-f]+) (\\S+) \\S+ \\S+ (\\d+)\\s*(.*)$");
    private static final long BIG_ANON = 128L << 20;

    /** Takes a snapshot; {@code shmRoots} are the folders VMs put files in (e.g. /dev/shm, /run). */
    public static LeakSnapshot take(Path... shmRoots) {
        return new LeakSnapshot(readFds(), readThreads(), readMaps(), readShm(shmRoots), readChildren());
    }

    /** What grew since {@code before}, one line per kind of thing, empty when nothing did. */
    public List<String> leaksSince(LeakSnapshot before) {
        List<String> out = new ArrayList<>();
        grew("fd", before.fds, fds, out);
        grew("thread", before.threads, threads, out);
        grew("mapping", before.maps, maps, out);
        grew("shm entry", before.shm, shm, out);
        grew("child process", before.children, children, out);
        return out;
    }

    /**
     * Takes snapshots until nothing grew since {@code before} or {@code settle} passed (threads end and cleaners
     * close fds a moment after close() returns). Returns the leaks of the last snapshot.
     */
    public static List<String> leaksAfter(LeakSnapshot before, Duration settle, Path... shmRoots)
            throws InterruptedException {
        long deadline = System.nanoTime() + settle.toNanos();
        while (true) {
            List<String> leaks = take(shmRoots).leaksSince(before);
            if (leaks.isEmpty() || System.nanoTime() > deadline) {
                return leaks;
            }
            Thread.sleep(50);
        }
    }

    private static void grew(String what, Map<String, Integer> a, Map<String, Integer> b, List<String> out) {
        b.forEach((k, n) -> {
            int was = a.getOrDefault(k, 0);
            if (n > was) {
                out.add(what + " " + k + ": " + was + " -> " + n);
            }
        });
    }

    private static void count(Map<String, Integer> m, String k) {
        m.merge(k, 1, Integer::sum);
    }

    static Map<String, Integer> readFds() {
        Map<String, Integer> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                String t;
                try {
                    t = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue; // the fd of the listing itself, closed meanwhile
                }
                count(m, t.replaceAll("^(socket|pipe|anon_inode:\\[eventpoll\\]|anon_inode:\\[eventfd\\]):?\\[?\\d*\\]?$",
                        "$1"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return m;
    }

    static Map<String, Integer> readThreads() {
        Map<String, Integer> m = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName().replaceAll("\\b\\d+\\b", "#");
            if (!SHARED_POOLS.matcher(name).matches()) {
                count(m, name);
            }
        }
        return m;
    }

    static Map<String, Integer> readMaps() {
        Map<String, Integer> m = new TreeMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/smaps", e);
        }
        String header = null;
        long size = 0;
        String perms = null;
        String path = null;
        for (String l : lines) {
            Matcher h = MAP_HEADER.matcher(l);
            if (h.matches()) {
                header = l;
                size = Long.parseUnsignedLong(h.group(2), 16) - Long.parseUnsignedLong(h.group(1), 16);
                perms = h.group(3);
                path = h.group(5).trim();
                if (path.startsWith("/dev/shm") || path.startsWith("/run/") || path.contains("ktstr4j")
                        || path.startsWith("anon_inode:kvm")) {
                    count(m, perms + " " + path.replaceAll("\\b\\d+\\b", "#") + " " + size);
                }
            } else if (header != null && l.startsWith("VmFlags:") && path.isEmpty() && size >= BIG_ANON
                    && perms.startsWith("rw") && l.contains(" nr")) {
                count(m, perms + " [anonymous, noreserve] " + size);
            }
        }
        return m;
    }

    static Map<String, Integer> readShm(Path... roots) {
        Map<String, Integer> m = new TreeMap<>();
        long pid = ProcessHandle.current().pid();
        io.ktstr4j.vmm.nativelib.FlockHolders lockHolders = io.ktstr4j.vmm.nativelib.FlockHolders.read();
        for (Path root : new java.util.LinkedHashSet<>(List.of(roots))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> s = Files.list(root)) {
                for (Path p : s.filter(x -> x.getFileName().toString().startsWith("ktstr4j")).toList()) {
                    String name = p.getFileName().toString();
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && name.matches("ktstr4j-\\d+")) {
                        try (Stream<Path> vms = Files.list(p)) {
                            for (Path vm : vms.toList()) {
                                var holders = lockHolders.of(vm.resolve("lock"));
                                if (holders.isEmpty() || holders.stream().anyMatch(h -> h.pid() == pid)) {
                                    count(m, vm.toString());
                                }
                            }
                        } catch (IOException e) {
                            // not ours to read, or gone
                        }
                    } else if (!name.startsWith("ktstr4j-qemu-")) {
                        // ktstr4j-qemu-*: the older layout (pid-named RAM files, random run folders), which this code
                        // no longer makes: another process's, running older code on the same machine
                        count(m, p.toString());
                    }
                }
            } catch (IOException e) {
                // gone
            }
        }
        return m;
    }

    static Map<String, Integer> readChildren() {
        Map<String, Integer> m = new TreeMap<>();
        ProcessHandle.current().children().forEach(p -> count(m, p.info().command().orElse("pid " + p.pid())));
        return m;
    }
}
