package io.ktstr4j.hoststate;

import io.ktstr4j.pipeline.host.HostContextReader;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import io.ktstr4j.schemas.hoststate.CaptureStats;
import io.ktstr4j.schemas.hoststate.HostCgroupStats;
import io.ktstr4j.schemas.hoststate.ThreadState;
import io.ktstr4j.schemas.sidecar.HostContext;
import io.ktstr4j.vmm.plan.CpuList;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Captures every thread of a host from a {@code /proc} + {@code /sys} tree into a {@link HostStateSnapshot}, with the
 * fields ktstr 0.4.9 captures ({@code stat}, {@code schedstat}, {@code status}, {@code sched}, {@code io},
 * {@code comm}, {@code cgroup} of each {@code /proc/<tgid>/task/<tid>}), and {@code cpu.stat}/{@code memory.current}
 * of each thread's cgroup. Unprivileged and best effort, as ktstr: a reading that cannot be taken is 0, and, unlike
 * ktstr, is also named in the thread's {@code missing} and counted. A thread that exits during the walk is left out
 * and counted as vanished. The root is a parameter so tests read fixture trees.
 */
public final class ProcCapture {
    /** {@code /proc/<pid>/sched} fields by the last dot-separated part of their key (the kernel's prefix varies). */
    private static final Map<String, String> SCHED_FIELDS = Map.ofEntries(
            Map.entry("nr_wakeups", "nr_wakeups"), Map.entry("nr_wakeups_local", "nr_wakeups_local"),
            Map.entry("nr_wakeups_remote", "nr_wakeups_remote"), Map.entry("nr_wakeups_sync", "nr_wakeups_sync"),
            Map.entry("nr_wakeups_migrate", "nr_wakeups_migrate"), Map.entry("nr_wakeups_idle", "nr_wakeups_idle"),
            Map.entry("nr_migrations", "nr_migrations"), Map.entry("wait_sum", "wait_sum"),
            Map.entry("wait_count", "wait_count"), Map.entry("sum_sleep_runtime", "sleep_sum"),
            Map.entry("sum_block_runtime", "block_sum"), Map.entry("iowait_sum", "iowait_sum"),
            Map.entry("iowait_count", "iowait_count"));
    /** The {@code sched} fields that are times: the kernel prints them in ms with six decimals; we keep ns. */
    private static final Set<String> SCHED_TIMES = Set.of("wait_sum", "sleep_sum", "block_sum",
            "iowait_sum");
    /**
     * Fields no /proc file gives (ktstr reads the last two from jemalloc inside its own process only; the kernel prints
     * no block count): named in every thread's {@code missing}, not counted as readings the walk failed to take.
     */
    static final List<String> NEVER_READ = List.of("block_count", "allocated_bytes", "deallocated_bytes");
    private static final List<String> SCHEDSTAT = List.of("run_time_ns", "wait_time_ns", "timeslices");
    private static final List<String> IO = List.of("rchar", "wchar", "syscr", "syscw", "read_bytes", "write_bytes");
    private static final List<String> STAT = List.of("minflt", "majflt", "nice", "start_time_clock_ticks", "policy");
    private static final String[] POLICIES = {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", null,
        "SCHED_IDLE", "SCHED_DEADLINE", "SCHED_EXT"};

    private final Path root;
    private final Clock clock;

    /** Captures the tree under {@code root} ({@code root/proc}, {@code root/sys/fs/cgroup}). */
    public ProcCapture(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    /** This machine. */
    public static ProcCapture live() {
        return new ProcCapture(Path.of("/"), Clock.systemUTC());
    }

    /** Walks the tree now; never throws for a file that cannot be read. */
    public HostStateSnapshot capture(CapturePhase phase, String runId) {
        long t0 = System.nanoTime();
        Instant at = clock.instant();
        long atNs = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        boolean live = root.equals(Path.of("/"));
        // This machine's context and name carry the JVM's and the environment's knowledge; a fixture tree has its own.
        HostContext host = live ? HostContextReader.now() : new HostContextReader(root).read();
        Walk walk = new Walk();
        for (long tgid : numbered(root.resolve("proc"))) {
            walk.process(tgid);
        }
        walk.threads.sort(Comparator.comparingLong(ThreadState::tgid).thenComparingLong(ThreadState::tid));
        Map<String, HostCgroupStats> cgroups = new TreeMap<>();
        long missingCgroupReadings = 0;
        for (String cg : walk.cgroups) {
            HostCgroupStats c = cgroupStats(cg);
            missingCgroupReadings += c.missing().size();
            cgroups.put(cg, c);
        }
        String hostname = live ? HostContextReader.hostName() : text("proc/sys/kernel/hostname");
        CaptureStats stats = new CaptureStats((System.nanoTime() - t0) / 1_000_000, walk.vanished,
                walk.missing + missingCgroupReadings);
        return new HostStateSnapshot(atNs, host, walk.threads, cgroups, hostname, runId, phase, stats, Map.of());
    }

    /** One walk's threads and counters. */
    private final class Walk {
        final List<ThreadState> threads = new ArrayList<>();
        final TreeSet<String> cgroups = new TreeSet<>();
        long vanished;
        long missing;

        void process(long tgid) {
            Path proc = root.resolve("proc").resolve(Long.toString(tgid));
            String pcomm = text(proc.resolve("comm"));
            List<Long> tids = numbered(proc.resolve("task"));
            if (tids.isEmpty()) {
                vanished++; // the process exited between the listing of /proc and its own
                return;
            }
            for (long tid : tids) {
                ThreadState t = thread(proc.resolve("task").resolve(Long.toString(tid)), tgid, tid, pcomm);
                if (t == null) {
                    vanished++;
                    continue;
                }
                // A thread without a name and a start time is a zombie's ghost entry: ktstr drops it as well.
                if (t.comm().isEmpty() && t.startTimeClockTicks() == 0) {
                    continue;
                }
                missing += t.missing().size() - NEVER_READ.size();
                threads.add(t);
                if (!t.cgroup().isEmpty()) {
                    cgroups.add(t.cgroup());
                }
            }
        }
    }

    /**
     * One thread, or null when it exited before it was read: its {@code stat} is gone, or (a task in the middle of
     * exiting answers ESRCH) neither its {@code stat} nor its {@code comm} can be read.
     */
    private ThreadState thread(Path dir, long tgid, long tid, String pcomm) {
        String stat;
        try {
            stat = new String(Files.readAllBytes(dir.resolve("stat")), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            stat = null;
        }
        String comm = text(dir.resolve("comm"));
        if (stat == null && comm == null) {
            return null;
        }
        List<String> missing = new ArrayList<>(NEVER_READ);
        ThreadState.Builder b = ThreadState.builder().tid(tid).tgid(tgid).pcomm(pcomm == null ? "" : pcomm);
        b.comm(comm == null ? "" : comm);
        readStat(stat, b, missing);
        readSchedstat(text(dir.resolve("schedstat")), b, missing);
        readStatus(text(dir.resolve("status")), b, missing);
        readSched(text(dir.resolve("sched")), b, missing);
        readIo(text(dir.resolve("io")), b, missing);
        String cgroup = cgroupPath(text(dir.resolve("cgroup")));
        if (cgroup == null) {
            missing.add("cgroup");
        }
        b.cgroup(cgroup == null ? "" : cgroup);
        return b.missing(order(missing)).build();
    }

    /** The tail of {@code stat} after the command's closing parenthesis (a command may hold spaces and ')'). */
    private static void readStat(String stat, ThreadState.Builder b, List<String> missing) {
        int close = stat == null ? -1 : stat.lastIndexOf(')');
        String[] f = close < 0 ? new String[0] : stat.substring(close + 1).strip().split("\\s+");
        if (f.length <= 38) {
            missing.addAll(STAT);
            return;
        }
        b.minflt(num(f[7])).majflt(num(f[9])).nice((int) num(f[16])).startTimeClockTicks(num(f[19]));
        int policy = (int) num(f[38]);
        b.policy(policy >= 0 && policy < POLICIES.length && POLICIES[policy] != null ? POLICIES[policy]
                : "SCHED_UNKNOWN(" + policy + ")");
    }

    private static void readSchedstat(String text, ThreadState.Builder b, List<String> missing) {
        String[] f = text == null ? new String[0] : text.strip().split("\\s+");
        if (f.length < 3) {
            missing.addAll(SCHEDSTAT);
            return;
        }
        b.runTimeNs(num(f[0])).waitTimeNs(num(f[1])).timeslices(num(f[2]));
    }

    private static void readStatus(String text, ThreadState.Builder b, List<String> missing) {
        Map<String, String> kv = keyValues(text, ':');
        Long vol = parse(kv.get("voluntary_ctxt_switches"));
        Long invol = parse(kv.get("nonvoluntary_ctxt_switches"));
        b.voluntaryCsw(vol == null ? 0 : vol).nonvoluntaryCsw(invol == null ? 0 : invol);
        if (vol == null) {
            missing.add("voluntary_csw");
        }
        if (invol == null) {
            missing.add("nonvoluntary_csw");
        }
        try {
            b.cpuAffinity(CpuList.parse(kv.getOrDefault("Cpus_allowed_list", "")));
        } catch (IllegalArgumentException e) {
            missing.add("cpu_affinity");
        }
    }

    /** {@code /proc/<tid>/sched}: needs CONFIG_SCHED_DEBUG; the counters need CONFIG_SCHEDSTATS and schedstats on. */
    private static void readSched(String text, ThreadState.Builder b, List<String> missing) {
        Map<String, Long> got = new TreeMap<>();
        keyValues(text, ':').forEach((key, value) -> {
            String field = SCHED_FIELDS.get(key.substring(key.lastIndexOf('.') + 1));
            if (field != null && !got.containsKey(field)) {
                Long v = SCHED_TIMES.contains(field) ? msToNs(value) : parse(value);
                if (v != null) {
                    got.put(field, v);
                }
            }
        });
        for (String field : new TreeSet<>(SCHED_FIELDS.values())) {
            if (!got.containsKey(field)) {
                missing.add(field);
            }
        }
        b.nrWakeups(got.getOrDefault("nr_wakeups", 0L)).nrWakeupsLocal(got.getOrDefault("nr_wakeups_local", 0L))
                .nrWakeupsRemote(got.getOrDefault("nr_wakeups_remote", 0L))
                .nrWakeupsSync(got.getOrDefault("nr_wakeups_sync", 0L))
                .nrWakeupsMigrate(got.getOrDefault("nr_wakeups_migrate", 0L))
                .nrWakeupsIdle(got.getOrDefault("nr_wakeups_idle", 0L))
                .nrMigrations(got.getOrDefault("nr_migrations", 0L)).waitSum(got.getOrDefault("wait_sum", 0L))
                .waitCount(got.getOrDefault("wait_count", 0L)).sleepSum(got.getOrDefault("sleep_sum", 0L))
                .blockSum(got.getOrDefault("block_sum", 0L)).iowaitSum(got.getOrDefault("iowait_sum", 0L))
                .iowaitCount(got.getOrDefault("iowait_count", 0L));
    }

    /** {@code /proc/<tid>/io}: only the thread's owner (or CAP_SYS_PTRACE) may read it. */
    private static void readIo(String text, ThreadState.Builder b, List<String> missing) {
        Map<String, String> kv = keyValues(text, ':');
        long[] v = new long[IO.size()];
        for (int i = 0; i < IO.size(); i++) {
            Long x = parse(kv.get(IO.get(i)));
            if (x == null) {
                missing.add(IO.get(i));
            } else {
                v[i] = x;
            }
        }
        b.rchar(v[0]).wchar(v[1]).syscr(v[2]).syscw(v[3]).readBytes(v[4]).writeBytes(v[5]);
    }

    /** The cgroup v2 path of the unified hierarchy ({@code 0::/path}), relative to our cgroup namespace; null if none. */
    static String cgroupPath(String text) {
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("0::")) {
                return line.substring(3).strip();
            }
        }
        return null;
    }

    /**
     * cpu.stat and memory.current of a cgroup, under /sys/fs/cgroup (or its {@code unified} mount on hybrid hosts). A
     * path above our cgroup namespace's root ({@code /../..}, what a container sees of the host's other cgroups) is
     * not under our mount: its readings are missing, never read from a resolved {@code ..}.
     */
    private HostCgroupStats cgroupStats(String path) {
        if (path.equals("/..") || path.startsWith("/../")) {
            return new HostCgroupStats(0, 0, 0, 0, List.of("cpu_usage_usec", "nr_throttled", "throttled_usec",
                    "memory_current"));
        }
        String rel = path.startsWith("/") ? path.substring(1) : path;
        Path dir = root.resolve("sys/fs/cgroup").resolve(rel);
        if (!Files.exists(dir.resolve("cgroup.controllers"))) {
            Path hybrid = root.resolve("sys/fs/cgroup/unified").resolve(rel);
            if (Files.isDirectory(hybrid)) {
                dir = hybrid;
            }
        }
        Map<String, String> cpu = keyValues(text(dir.resolve("cpu.stat")), ' ');
        List<String> missing = new ArrayList<>();
        long usage = field(cpu, "usage_usec", "cpu_usage_usec", missing);
        long throttled = field(cpu, "nr_throttled", "nr_throttled", missing);
        long throttledUsec = field(cpu, "throttled_usec", "throttled_usec", missing);
        Long memory = parse(text(dir.resolve("memory.current")));
        if (memory == null) {
            missing.add("memory_current");
        }
        return new HostCgroupStats(usage, throttled, throttledUsec, memory == null ? 0 : memory, missing);
    }

    private static long field(Map<String, String> kv, String key, String json, List<String> missing) {
        Long v = parse(kv.get(key));
        if (v == null) {
            missing.add(json);
            return 0;
        }
        return v;
    }

    /** The missing fields in ThreadState's field order, once each. */
    private static List<String> order(List<String> missing) {
        return CaptureFields.ORDER.stream().filter(missing::contains).toList();
    }

    /** {@code key<sep>value} lines (first separator splits; both trimmed); empty for null text. */
    private static Map<String, String> keyValues(String text, char sep) {
        Map<String, String> out = new TreeMap<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\n")) {
            int i = line.indexOf(sep);
            if (i > 0) {
                out.putIfAbsent(line.substring(0, i).strip(), line.substring(i + 1).strip());
            }
        }
        return out;
    }

    /** The numbered entries of a folder (pids, tids), ascending; empty when it cannot be listed. */
    private static List<Long> numbered(Path dir) {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                Long n = parse(p.getFileName().toString());
                if (n != null) {
                    out.add(n);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    private String text(String relative) {
        return text(root.resolve(relative));
    }

    /** A file's text without surrounding white space; null when it cannot be read. */
    private static String text(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long num(String s) {
        Long v = parse(s);
        return v == null ? 0 : v;
    }

    /** A non-negative decimal (or a negative one, for nice); null when not a number. */
    private static Long parse(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code 123.456789} (ms, as /proc/<pid>/sched prints a time) in ns; null when not that. */
    static Long msToNs(String s) {
        try {
            return new BigDecimal(s.strip()).movePointRight(6).setScale(0, RoundingMode.DOWN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
