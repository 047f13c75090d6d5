package io.ktstr4j.pipeline.gauntlet;

import com.sun.jna.LastErrorException;
import io.ktstr4j.vmm.nativelib.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Host CPUs held with {@code flock(2)} on ktstr's lock files, so that gauntlets of ktstr4j and ktstr on one host never
 * give their VMs the same CPUs: {@code LOCK_EX} on {@code <lock dir>/ktstr-cpu-<N>.lock} per CPU held, and
 * {@code LOCK_SH} on {@code <tmp>/ktstr-llc-<L>.lock} of each held CPU's last-level cache (a ktstr run in performance
 * mode takes that one exclusively: the CPUs of its LLC are then not taken here). Java's {@code FileChannel.lock} takes
 * fcntl locks, which do not exclude flocks: these are real flocks, through JNA. A lock dies with its process, so a
 * killed gauntlet leaves nothing held.
 *
 * <p>CPUs are taken from the highest number down (CPU 0 is the system's busiest); each is tried without waiting.
 */
public final class HostCpuLocks implements HostReservation {

    /** ktstr's names, in the temp folder. */
    public static final String CPU_PREFIX = "ktstr-cpu-";
    public static final String LLC_PREFIX = "ktstr-llc-";
    public static final String SUFFIX = ".lock";

    private final Path dir;
    private final List<Integer> candidates;
    private final Map<Integer, Integer> llcOf;
    /** CPU held → its lock's fd, in the order taken. */
    private final Map<Integer, Integer> held = new LinkedHashMap<>();
    /** LLC → [fd, CPUs of ours under it]. */
    private final Map<Integer, int[]> llcs = new HashMap<>();

    /**
     * @param dir  the lock folder ({@link #lockDir()} on a real host)
     * @param cpus the host CPU numbers VMs may be given
     * @param llcOf each CPU's last-level cache id (CPUs missing: LLC 0)
     */
    public HostCpuLocks(Path dir, List<Integer> cpus, Map<Integer, Integer> llcOf) {
        this.dir = dir;
        List<Integer> c = new ArrayList<>(cpus);
        c.sort(java.util.Comparator.reverseOrder());
        this.candidates = List.copyOf(c);
        this.llcOf = Map.copyOf(llcOf);
    }

    /**
     * On this host: CPUs {@code 1..hostCpus-1} (CPU 0 is left to the harness and the system, so that gauntlets of
     * several processes together also leave it), their LLCs from sysfs (CPUs beyond the real ones: LLC 0).
     */
    public static HostCpuLocks onHost(Path dir, int hostCpus) {
        List<Integer> cpus = new ArrayList<>();
        for (int i = hostCpus == 1 ? 0 : 1; i < hostCpus; i++) {
            cpus.add(i);
        }
        return new HostCpuLocks(dir, cpus, HostLlcs.read(Path.of("/sys/devices/system/cpu"), cpus));
    }

    /**
     * Where the locks are: {@code $KTSTR_LOCK_DIR} when set (ktstr's own override, so both tools follow it), else
     * {@code $TMPDIR}, else {@code /tmp} (Rust's {@code std::env::temp_dir}).
     */
    public static Path lockDir() {
        for (String var : List.of("KTSTR_LOCK_DIR", "TMPDIR")) {
            String t = System.getenv(var);
            if (t != null && !t.isBlank()) {
                return Path.of(t);
            }
        }
        return Path.of("/tmp");
    }

    public static Path cpuLock(Path dir, int cpu) {
        return dir.resolve(CPU_PREFIX + cpu + SUFFIX);
    }

    public static Path llcLock(Path dir, int llc) {
        return dir.resolve(LLC_PREFIX + llc + SUFFIX);
    }

    @Override
    public boolean reserve(int cpus) {
        int before = held.size();
        for (int cpu : candidates) {
            if (held.size() >= cpus) {
                return true;
            }
            if (!held.containsKey(cpu)) {
                take(cpu);
            }
        }
        if (held.size() >= cpus) {
            return true;
        }
        shrink(before); // all or nothing: half a reservation would only keep CPUs from someone else
        return false;
    }

    @Override
    public void shrink(int cpus) {
        List<Integer> order = new ArrayList<>(held.keySet());
        for (int i = order.size() - 1; i >= 0 && held.size() > cpus; i--) {
            release(order.get(i));
        }
    }

    @Override
    public void close() {
        shrink(0);
    }

    /** The CPUs held now, in the order taken. */
    public List<Integer> held() {
        return List.copyOf(held.keySet());
    }

    private void take(int cpu) {
        int fd = lock(cpuLock(dir, cpu), LibC.LOCK_EX);
        if (fd < 0) {
            return;
        }
        int llc = llcOf.getOrDefault(cpu, 0);
        int[] l = llcs.get(llc);
        if (l == null) {
            int lfd;
            try {
                lfd = lock(llcLock(dir, llc), LibC.LOCK_SH);
            } catch (RuntimeException e) {
                close(fd);
                throw e;
            }
            if (lfd < 0) {
                close(fd); // its LLC is reserved whole by someone (ktstr's performance mode)
                return;
            }
            l = new int[] {lfd, 0};
            llcs.put(llc, l);
        }
        l[1]++;
        held.put(cpu, fd);
    }

    private void release(int cpu) {
        Integer fd = held.remove(cpu);
        if (fd == null) {
            return;
        }
        close(fd);
        int llc = llcOf.getOrDefault(cpu, 0);
        int[] l = llcs.get(llc);
        if (l != null && --l[1] == 0) {
            llcs.remove(llc);
            close(l[0]);
        }
    }

    /** An fd holding {@code op} on the file (created world-readable if missing), or -1 when someone else holds it. */
    private static int lock(Path file, int op) {
        int fd;
        // Read-only is enough for flock and works on a lock file another user created. O_CREAT only when it is
        // missing: with fs.protected_regular (systemd's default) O_CREAT on another user's file in /tmp is EACCES.
        int flags = LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC;
        try {
            try {
                fd = LibC.INSTANCE.open(file.toString(), flags);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.ENOENT) {
                    throw e;
                }
                fd = LibC.INSTANCE.open(file.toString(), flags | LibC.O_CREAT, 0666);
            }
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot open the lock file " + file + ": errno " + e.getErrorCode()
                    + " (set $KTSTR_LOCK_DIR to a folder every user of the host can write, the same for ktstr)", e);
        }
        try {
            LibC.INSTANCE.flock(fd, op | LibC.LOCK_NB);
            return fd;
        } catch (LastErrorException e) {
            close(fd);
            if (e.getErrorCode() == LibC.EWOULDBLOCK) {
                return -1;
            }
            throw new IllegalStateException("flock " + file + ": errno " + e.getErrorCode(), e);
        }
    }

    private static void close(int fd) {
        try {
            LibC.INSTANCE.close(fd);
        } catch (LastErrorException e) {
            // closing drops the lock whatever close reports
        }
    }

    /** Each CPU's last-level cache id, from sysfs. */
    static final class HostLlcs {
        private HostLlcs() {
        }

        static Map<Integer, Integer> read(Path sysCpu, List<Integer> cpus) {
            Map<Integer, Integer> m = new HashMap<>();
            for (int cpu : cpus) {
                Path cache = sysCpu.resolve("cpu" + cpu).resolve("cache");
                Integer best = null;
                int bestLevel = -1;
                for (int i = 0; i < 8; i++) {
                    Path idx = cache.resolve("index" + i);
                    try {
                        int level = Integer.parseInt(Files.readString(idx.resolve("level")).trim());
                        if (level > bestLevel && Files.exists(idx.resolve("id"))) {
                            bestLevel = level;
                            best = Integer.parseInt(Files.readString(idx.resolve("id")).trim());
                        }
                    } catch (IOException | NumberFormatException e) {
                        // no such index, or no id (some VMs): keep what was found
                    }
                }
                if (best != null) {
                    m.put(cpu, best);
                }
            }
            return m;
        }
    }
}
