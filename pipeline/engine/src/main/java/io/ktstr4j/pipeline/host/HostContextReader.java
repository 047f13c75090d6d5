package io.ktstr4j.pipeline.host;

import io.ktstr4j.schemas.sidecar.HostContext;
import io.ktstr4j.vmm.plan.CpuList;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads ktstr's host context ({@link HostContext}) from a {@code /proc} + {@code /sys} tree: CPU model and vendor,
 * memory and hugepages, transparent hugepages, the {@code sched_*} tunables, online CPUs, NUMA nodes, the cpufreq
 * governor per CPU, the uname triple and the kernel command line. The tree's root is a parameter so tests read a fake
 * one; {@link #current()} reads this machine once per process. A value that cannot be read is null (every
 * {@code HostContext} field is optional in ktstr); nothing here throws for a missing or unreadable file.
 */
public final class HostContextReader {

    /** Values larger than this are state dumps, not tunables (debugfs' {@code sched/debug} is megabytes). */
    static final int MAX_TUNABLE_BYTES = 4096;

    private final Path root;

    /** Reads the tree under {@code root}: {@code root/proc/...} and {@code root/sys/...}. */
    public HostContextReader(Path root) {
        this.root = root;
    }

    /** This machine's host context, read on the first call and kept for the life of the process. */
    public static HostContext current() {
        return Current.VALUE;
    }

    /** This machine's host context read now (a daemon's captures see hugepages and tunables change). */
    public static HostContext now() {
        HostContext h = new HostContextReader(Path.of("/")).read();
        // /proc/sys/kernel/arch is young (Linux 6.x); the JVM knows the architecture on older kernels.
        return h.arch() != null ? h : h.toBuilder().arch(unameArch(System.getProperty("os.arch"))).build();
    }

    /**
     * This machine's name without a DNS lookup ({@code $HOSTNAME}, else /proc/sys/kernel/hostname); null if unknown.
     * The run's {@code run.started} and the host-state captures name the host with it.
     */
    public static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            return h.isEmpty() ? null : h;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static final class Current {
        static final HostContext VALUE = now();
    }

    /** The uname machine name for a JVM {@code os.arch} ({@code amd64} is {@code x86_64} to uname). */
    static String unameArch(String osArch) {
        if (osArch == null || osArch.isBlank()) {
            return null;
        }
        return switch (osArch) {
            case "amd64" -> "x86_64";
            case "x86" -> "i686";
            default -> osArch;
        };
    }

    /** Reads every field now. */
    public HostContext read() {
        Map<String, Long> meminfo = meminfo();
        List<Integer> online = onlineCpus();
        String[] cpu = cpuIdentity();
        return HostContext.builder()
                .cpuModel(cpu[0])
                .cpuVendor(cpu[1])
                .totalMemoryKb(meminfo.get("MemTotal"))
                .hugepagesTotal(meminfo.get("HugePages_Total"))
                .hugepagesFree(meminfo.get("HugePages_Free"))
                .hugepagesSizeKb(meminfo.get("Hugepagesize"))
                .thpEnabled(trimmed("sys/kernel/mm/transparent_hugepage/enabled"))
                .thpDefrag(trimmed("sys/kernel/mm/transparent_hugepage/defrag"))
                .schedTunables(schedTunables())
                .onlineCpus(online == null ? null : online.size())
                .numaNodes(numaNodes(online))
                .cpufreqGovernor(governors(online))
                .kernelName(trimmed("proc/sys/kernel/ostype"))
                .kernelRelease(trimmed("proc/sys/kernel/osrelease"))
                .arch(trimmed("proc/sys/kernel/arch"))
                .kernelCmdline(trimmed("proc/cmdline"))
                .build();
    }

    /** {@code model name} and {@code vendor_id} of the first processor block of /proc/cpuinfo (either may be null). */
    private String[] cpuIdentity() {
        String[] out = new String[2];
        String text = text("proc/cpuinfo");
        if (text == null) {
            return out;
        }
        for (String line : text.split("\r?\n")) {
            if (line.isBlank()) {
                break; // the end of the first processor's block: the others repeat it
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (value.isEmpty()) {
                continue;
            }
            if (key.equals("model name") && out[0] == null) {
                out[0] = value;
            } else if (key.equals("vendor_id") && out[1] == null) {
                out[1] = value;
            }
        }
        return out;
    }

    /** The numeric fields of /proc/meminfo by name (kB for sizes, counts for HugePages_*); empty when unreadable. */
    private Map<String, Long> meminfo() {
        Map<String, Long> out = new TreeMap<>();
        String text = text("proc/meminfo");
        if (text == null) {
            return out;
        }
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String[] rest = line.substring(colon + 1).strip().split("\\s+");
            try {
                out.put(line.substring(0, colon).strip(), Long.parseLong(rest[0]));
            } catch (NumberFormatException e) {
                // not a number: leave the field unknown
            }
        }
        return out;
    }

    /**
     * The scheduler tunables: every regular file {@code sched_*} of /proc/sys/kernel by its name, and, when debugfs is
     * mounted and readable, the files of /sys/kernel/debug/sched (and its {@code numa_balancing} folder) as
     * {@code debug/sched/<name>}. Null when /proc/sys/kernel cannot be listed (as ktstr).
     */
    private Map<String, String> schedTunables() {
        Map<String, String> out = new TreeMap<>();
        if (!addFiles(root.resolve("proc/sys/kernel"), "", name -> name.startsWith("sched_"), out)) {
            return null;
        }
        Path debug = root.resolve("sys/kernel/debug/sched");
        // "debug" dumps every run queue; "domains" holds per-CPU topology, not tunables.
        addFiles(debug, "debug/sched/", name -> !name.equals("debug"), out);
        addFiles(debug.resolve("numa_balancing"), "debug/sched/numa_balancing/", name -> true, out);
        return out;
    }

    /** Adds the readable regular files of {@code dir} that pass {@code keep}; false when the folder cannot be listed. */
    private static boolean addFiles(Path dir, String prefix, java.util.function.Predicate<String> keep,
                                    Map<String, String> out) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (keep.test(name) && Files.isRegularFile(f)) {
                    String v = trimmed(f, MAX_TUNABLE_BYTES);
                    if (v != null) {
                        out.put(prefix + name, v);
                    }
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The online CPUs of /sys/devices/system/cpu/online; null when unreadable or malformed. */
    private List<Integer> onlineCpus() {
        String list = trimmed("sys/devices/system/cpu/online");
        if (list == null) {
            return null;
        }
        try {
            return CpuList.parse(list);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The NUMA nodes that hold online CPUs (ktstr counts the nodes of its CPU-to-node map): nodes without CPUs (memory
     * only) do not count; a kernel without NUMA (no node folder) has one. Null when the online CPUs are unknown.
     */
    private Integer numaNodes(List<Integer> online) {
        if (online == null) {
            return null;
        }
        Path nodes = root.resolve("sys/devices/system/node");
        if (!Files.isDirectory(nodes)) {
            return 1;
        }
        TreeSet<Integer> withCpus = new TreeSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(nodes, "node[0-9]*")) {
            for (Path d : dirs) {
                String cpus = trimmed(d.resolve("cpulist"), MAX_TUNABLE_BYTES);
                if (cpus == null) {
                    continue;
                }
                try {
                    if (CpuList.parse(cpus).stream().anyMatch(online::contains)) {
                        withCpus.add(Integer.parseInt(d.getFileName().toString().substring(4)));
                    }
                } catch (IllegalArgumentException e) {
                    // a malformed cpulist: that node is not counted
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return Math.max(1, withCpus.size());
    }

    /** {@code scaling_governor} of each online CPU that has cpufreq (a VM or a kernel without cpufreq has none). */
    private Map<Integer, String> governors(List<Integer> online) {
        Map<Integer, String> out = new TreeMap<>();
        if (online == null) {
            return out;
        }
        for (int cpu : online) {
            String g = trimmed(String.format(Locale.ROOT, "sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", cpu));
            if (g != null) {
                out.put(cpu, g);
            }
        }
        return out;
    }

    private String text(String relative) {
        try {
            // lenient decoding: a stray byte in the kernel command line must not lose the whole value
            return new String(Files.readAllBytes(root.resolve(relative)), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The file's content without surrounding white space; null when unreadable or empty. */
    private String trimmed(String relative) {
        String t = text(relative);
        return t == null || t.isBlank() ? null : t.strip();
    }

    /** As {@link #trimmed(String)}, and null when larger than {@code max} bytes. */
    private static String trimmed(Path file, int max) {
        try (var in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(max + 1); // procfs and sysfs files report size 0: read, don't stat
            if (b.length > max) {
                return null;
            }
            String t = new String(b, StandardCharsets.UTF_8).strip();
            return t.isEmpty() ? null : t;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
