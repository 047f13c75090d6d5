package io.ktstr4j.vmm;

import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.initramfs.CpioWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Test support: asks a guest what topology it sees. {@link #initramfs()} is a busybox-static initramfs whose /init
 * prints the guest's view (online CPUs, package/die/core ids, SMT siblings, every cache level's sharing, NUMA nodes
 * and distances) as {@code TOPO ...} lines on COM2 (/dev/ttyS1), then reboots. {@link #parse} reads those lines back;
 * {@link GuestView#mismatches} compares them with a declared {@link Topology}.
 *
 * <p>Used by the QEMU backend's e2e tests and the KVM VMM's rig tests; needs {@code /bin/busybox} (Debian's
 * busybox-static).
 */
public final class TopologyProbe {

    public static final Path BUSYBOX = Path.of("/bin/busybox");
    public static final String PREFIX = "TOPO ";
    public static final String END = "TOPO end";

    static final String INIT = """
            #!/bin/busybox sh
            /bin/busybox --install -s /bin
            export PATH=/bin
            mount -t proc proc /proc
            mount -t sysfs sysfs /sys
            mount -t devtmpfs devtmpfs /dev
            out=/dev/ttyS1
            v() { cat "$1" 2>/dev/null | tr ' \\n' ',,' | sed 's/,*$//'; }
            {
            echo "TOPO begin"
            echo "TOPO online list=$(v /sys/devices/system/cpu/online)"
            for d in /sys/devices/system/cpu/cpu[0-9]*; do
              c=${d##*/cpu}
              t=$d/topology
              echo "TOPO cpu id=$c pkg=$(v $t/physical_package_id) die=$(v $t/die_id) core=$(v $t/core_id) smt=$(v $t/thread_siblings_list)"
              for i in $d/cache/index*; do
                [ -d "$i" ] || continue
                echo "TOPO cache cpu=$c level=$(v $i/level) type=$(v $i/type) shared=$(v $i/shared_cpu_list)"
              done
            done
            for n in /sys/devices/system/node/node[0-9]*; do
              [ -d "$n" ] || continue
              echo "TOPO node id=${n##*/node} cpus=$(v $n/cpulist) distance=$(v $n/distance)"
            done
            echo "TOPO end"
            } > $out 2>&1
            reboot -f
            """;

    private TopologyProbe() {}

    /** True when busybox-static is installed (tests skip otherwise). */
    public static boolean available() {
        return Files.isExecutable(BUSYBOX);
    }

    /** The probe initramfs (cpio newc, uncompressed, about 2 MB). */
    public static byte[] initramfs() {
        return busyboxInitramfs(INIT, Map.of());
    }

    /**
     * A busybox initramfs with {@code init} as /init and extra files (path → bytes, mode 0755), for tests that need a
     * different script (e.g. a scheduler attach/detach loop).
     */
    public static byte[] busyboxInitramfs(String init, Map<String, byte[]> extraFiles) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (CpioWriter w = new CpioWriter(bytes)) {
                for (String d : List.of("bin", "dev", "proc", "sys", "tmp")) {
                    w.directory(d, 0755);
                }
                // The kernel opens /dev/console for init's stdio before devtmpfs is mounted.
                w.charDevice("dev/console", 0600, 5, 1);
                w.file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX));
                w.file("init", 0755, init.getBytes(StandardCharsets.UTF_8));
                for (Map.Entry<String, byte[]> e : new TreeMap<>(extraFiles).entrySet()) {
                    w.file(e.getKey(), 0755, e.getValue());
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("building the probe initramfs (needs " + BUSYBOX + ")", e);
        }
    }

    /** Writes {@link #initramfs()} to a file. */
    public static Path writeInitramfs(Path file) throws IOException {
        Files.write(file, initramfs());
        return file;
    }

    /** One cache as one CPU sees it. */
    public record Cache(int cpu, int level, String type, Set<Integer> shared) {}

    /** One CPU's ids. */
    public record Cpu(int id, int packageId, int dieId, int coreId, Set<Integer> smtSiblings) {}

    /** A NUMA node: its CPUs and its row of the distance matrix. */
    public record Node(int id, Set<Integer> cpus, List<Integer> distances) {}

    /** What the guest saw. */
    public record GuestView(Set<Integer> online, List<Cpu> cpus, List<Cache> caches, List<Node> nodes, boolean complete) {

        /** Groups of CPUs in one package. */
        public Set<Set<Integer>> packages() {
            Map<Integer, Set<Integer>> m = new TreeMap<>();
            for (Cpu c : cpus) {
                m.computeIfAbsent(c.packageId(), k -> new TreeSet<>()).add(c.id());
            }
            return new LinkedHashSet<>(m.values());
        }

        /** Groups of SMT siblings (one per core). */
        public Set<Set<Integer>> smtGroups() {
            Set<Set<Integer>> out = new LinkedHashSet<>();
            cpus.forEach(c -> out.add(c.smtSiblings()));
            return out;
        }

        /** The highest cache level any CPU reports (the LLC), or 0 when the guest shows no caches. */
        public int llcLevel() {
            return caches.stream().mapToInt(Cache::level).max().orElse(0);
        }

        /** Groups of CPUs sharing the last-level cache. */
        public Set<Set<Integer>> llcGroups() {
            int level = llcLevel();
            Set<Set<Integer>> out = new LinkedHashSet<>();
            caches.stream().filter(c -> c.level() == level).forEach(c -> out.add(c.shared()));
            return out;
        }

        /** CPUs per NUMA node, by node id. */
        public Map<Integer, Set<Integer>> nodeCpus() {
            Map<Integer, Set<Integer>> m = new TreeMap<>();
            nodes.forEach(n -> m.put(n.id(), n.cpus()));
            return m;
        }

        public List<List<Integer>> distances() {
            return nodes.stream().map(Node::distances).toList();
        }

        /**
         * What differs from the declared topology, one sentence each; empty when the guest saw it all. Checks CPU
         * count, SMT siblings, LLC groups, NUMA node CPUs and distances (not package ids: a VMM may map LLCs to
         * packages or not).
         */
        public List<String> mismatches(Topology t) {
            List<String> out = new ArrayList<>();
            if (!complete) {
                out.add("the probe output is incomplete (no '" + END + "' line)");
            }
            Set<Integer> all = range(0, t.totalCpus());
            if (!online.equals(all)) {
                out.add("online CPUs " + online + ", declared " + all);
            }
            Set<Set<Integer>> smt = new LinkedHashSet<>();
            for (int core = 0; core < t.llcs() * t.coresPerLlc(); core++) {
                smt.add(range(core * t.threadsPerCore(), (core + 1) * t.threadsPerCore()));
            }
            if (!smtGroups().equals(smt)) {
                out.add("SMT sibling groups " + smtGroups() + ", declared " + smt);
            }
            Set<Set<Integer>> llc = new LinkedHashSet<>();
            for (int l = 0; l < t.llcs(); l++) {
                llc.add(new TreeSet<>(t.cpusOfLlc(l)));
            }
            if (!llcGroups().equals(llc)) {
                out.add("L" + llcLevel() + " sharing groups " + llcGroups() + ", declared LLCs " + llc);
            }
            Map<Integer, Set<Integer>> numa = new TreeMap<>();
            List<List<Integer>> dist = new ArrayList<>();
            for (int n = 0; n < t.numaNodes(); n++) {
                numa.put(n, new TreeSet<>(t.cpusOfNode(n)));
                List<Integer> row = new ArrayList<>();
                for (int m = 0; m < t.numaNodes(); m++) {
                    row.add(t.distance(n, m));
                }
                dist.add(row);
            }
            if (!nodeCpus().equals(numa)) {
                out.add("NUMA node CPUs " + nodeCpus() + ", declared " + numa);
            }
            if (!distances().equals(dist)) {
                out.add("NUMA distances " + distances() + ", declared " + dist);
            }
            return out;
        }
    }

    /** Reads the probe's lines (others, e.g. kernel messages, are ignored). */
    public static GuestView parse(Collection<String> lines) {
        Set<Integer> online = Set.of();
        List<Cpu> cpus = new ArrayList<>();
        List<Cache> caches = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        boolean complete = false;
        for (String raw : lines) {
            String line = raw.strip();
            int at = line.indexOf(PREFIX);
            if (at < 0) {
                continue;
            }
            line = line.substring(at);
            if (line.equals(END)) {
                complete = true;
                continue;
            }
            String[] parts = line.substring(PREFIX.length()).split(" ");
            Map<String, String> kv = new TreeMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    kv.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
                }
            }
            switch (parts[0]) {
                case "online" -> online = cpuList(kv.get("list"));
                case "cpu" -> cpus.add(new Cpu(num(kv.get("id")), num(kv.get("pkg")), num(kv.get("die")),
                        num(kv.get("core")), cpuList(kv.get("smt"))));
                case "cache" -> caches.add(new Cache(num(kv.get("cpu")), num(kv.get("level")), kv.get("type"),
                        cpuList(kv.get("shared"))));
                case "node" -> {
                    List<Integer> d = new ArrayList<>();
                    String ds = kv.getOrDefault("distance", "");
                    for (String s : ds.split(",")) {
                        if (!s.isBlank()) {
                            d.add(Integer.parseInt(s.trim()));
                        }
                    }
                    nodes.add(new Node(num(kv.get("id")), cpuList(kv.get("cpus")), List.copyOf(d)));
                }
                default -> {
                    // "begin" and anything newer
                }
            }
        }
        cpus.sort((a, b) -> Integer.compare(a.id(), b.id()));
        nodes.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return new GuestView(online, List.copyOf(cpus), List.copyOf(caches), List.copyOf(nodes), complete);
    }

    /** Parses a kernel CPU list such as {@code 0-3,8,10-11} (commas may also separate ranges). */
    public static Set<Integer> cpuList(String s) {
        Set<Integer> out = new TreeSet<>();
        if (s == null || s.isBlank()) {
            return out;
        }
        for (String part : s.split(",")) {
            part = part.trim();
            if (part.isEmpty()) {
                continue;
            }
            int dash = part.indexOf('-');
            if (dash > 0) {
                int a = Integer.parseInt(part.substring(0, dash));
                int b = Integer.parseInt(part.substring(dash + 1));
                for (int i = a; i <= b; i++) {
                    out.add(i);
                }
            } else {
                out.add(Integer.parseInt(part));
            }
        }
        return out;
    }

    private static int num(String s) {
        if (s == null || s.isBlank()) {
            return -1;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Set<Integer> range(int from, int to) {
        Set<Integer> s = new TreeSet<>();
        for (int i = from; i < to; i++) {
            s.add(i);
        }
        return s;
    }
}
