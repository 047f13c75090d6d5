package io.ktstr4j.bench;

import io.ktstr4j.cli.Backends;
import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.schemas.topology.TopologyPresets;
import io.ktstr4j.vmm.KvmProbe;
import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.VmConfig;
import io.ktstr4j.vmm.initramfs.CpioWriter;
import io.ktstr4j.vmm.qemu.MachineType;
import io.ktstr4j.vmm.qemu.QemuBackend;
import io.ktstr4j.vmm.qemu.QemuOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Backend benchmark and reliability soak: a main() that prints tables.
 *
 * <pre>
 * BackendBench soak  [--boots 30] [--machines microvm,pc]     30 consecutive boots per machine type, scx_simple
 *                                                              attached and detached in each, no retries
 * BackendBench boot  [--boots 5]  [--backends qemu-tcg,qemu-kvm,kvm] [--vcpus 1,2,4]
 *                                                              VM creation to first console line, to init, to exit,
 *                                                              and the Java VMM / QEMU microvm ratio
 * BackendBench steady [--boots 3] [--backends ...]             boot + scx_simple + busy workers for 5 s
 * common: --kernel PATH  --scheduler PATH  --topology NAME|LABEL
 * </pre>
 *
 * A boot counts as failed when the VM does not end with a reboot, the init script does not report success, or the
 * kernel console shows an Oops, BUG, panic or a sched_ext error. Failures are counted, never retried.
 */
public final class BackendBench {

    static final Path DEFAULT_KERNEL = io.ktstr4j.pipeline.Defaults.kernel()
            .orElse(Path.of("../shared/kernels/6.12.117-scx/bzImage").toAbsolutePath().normalize());
    static final Path DEFAULT_SCHEDULER = DEFAULT_KERNEL.resolveSibling("scx").resolve("scx_simple");
    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final Pattern MARK = Pattern.compile("^BENCH (\\w+)(?: (.*))?$");
    static final Pattern BAD_CONSOLE = Pattern.compile(
            "Oops|BUG:|Kernel panic|general protection|invalid opcode|sched_ext: .*(error|disabled.*runtime)|"
                    + "WARNING: CPU");

    /** The guest side: mount, optionally attach/detach the scheduler around a busy period, report, reboot. */
    static String initScript(boolean withScheduler, int busySeconds, int workers) {
        StringBuilder s = new StringBuilder("""
                #!/bin/busybox sh
                /bin/busybox --install -s /bin
                export PATH=/bin
                mount -t proc proc /proc
                mount -t sysfs sysfs /sys
                mount -t devtmpfs devtmpfs /dev
                exec > /dev/ttyS1 2>&1
                echo "BENCH init"
                st() { cat /sys/kernel/sched_ext/state 2>/dev/null; }
                waitstate() { n=0; while [ "$(st)" != "$1" ]; do n=$((n+1)); [ $n -gt 600 ] && return 1; sleep 0.05; done; }
                fail() { echo "BENCH fail $1"; reboot -f; }
                """);
        if (withScheduler) {
            s.append("""
                    [ "$(st)" = disabled ] || fail "sched_ext state '$(st)' before start"
                    /scheduler > /tmp/sched.log 2>&1 &
                    SP=$!
                    waitstate enabled || fail "scheduler did not attach: $(cat /tmp/sched.log | tail -3)"
                    echo "BENCH enabled ops=$(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)"
                    """);
        }
        if (busySeconds > 0) {
            s.append("i=0; PIDS=\"\"\n");
            s.append("while [ $i -lt ").append(workers).append(" ]; do ( n=0; trap 'echo \"BENCH worker $n\"; exit 0' TERM;"
                    + " while :; do n=$((n+1)); done ) & PIDS=\"$PIDS $!\"; i=$((i+1)); done\n");
            s.append("sleep ").append(busySeconds).append("\n");
            s.append("kill $PIDS; wait $PIDS 2>/dev/null\n");
        }
        if (withScheduler) {
            s.append("""
                    kill -INT $SP
                    waitstate disabled || fail "scheduler did not detach"
                    wait $SP
                    echo "BENCH disabled"
                    """);
        }
        s.append("echo \"BENCH ok\"\nreboot -f\n");
        return s.toString();
    }

    static byte[] initramfs(String init, Path scheduler) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(bytes)) {
            for (String d : List.of("bin", "dev", "proc", "sys", "tmp")) {
                w.directory(d, 0755);
            }
            w.charDevice("dev/console", 0600, 5, 1);
            w.file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX));
            w.file("init", 0755, init.getBytes(StandardCharsets.UTF_8));
            if (scheduler != null) {
                w.file("scheduler", 0755, Files.readAllBytes(scheduler));
            }
        }
        return bytes.toByteArray();
    }

    /** What one boot showed. */
    record Boot(ExitReason reason, String detail, boolean ok, String failure, double toCreatedMs, double toConsoleMs,
            double toInitMs, double toEnabledMs, double toDisabledMs, double toExitMs, long workerIterations) {}

    static Boot runOnce(VmBackend backend, Topology topology, Path kernel, Path initrd, Duration watchdog) {
        VmConfig cfg = new VmConfig(kernel, List.of(initrd), topology, 512, List.of(), VmConfig.DEFAULT_SHM_BYTES,
                watchdog, false);
        long t0 = System.nanoTime();
        double[] at = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        List<String> bad = new ArrayList<>();
        List<String> marks = new ArrayList<>();
        long[] iterations = {0};
        VmExited exit;
        try (var vm = backend.create(cfg)) {
            List<VmEvent> events = vm.events().doOnNext(e -> {
                double ms = (System.nanoTime() - t0) / 1e6;
                if (e instanceof VmCreated) {
                    at[0] = ms;
                } else if (e instanceof ConsoleLine c) {
                    if (c.port().equals(ConsoleLine.COM1) && Double.isNaN(at[4])) {
                        at[4] = ms; // the kernel's first console line
                    }
                    if (c.port().equals(ConsoleLine.COM1) && BAD_CONSOLE.matcher(c.line()).find()) {
                        bad.add(c.line());
                    }
                    Matcher m = MARK.matcher(c.line());
                    if (m.find()) {
                        marks.add(m.group(1) + (m.group(2) == null ? "" : " " + m.group(2)));
                        switch (m.group(1)) {
                            case "init" -> at[1] = ms;
                            case "enabled" -> at[2] = ms;
                            case "disabled" -> at[3] = ms;
                            case "worker" -> iterations[0] += Long.parseLong(m.group(2).trim());
                            default -> { }
                        }
                    }
                }
            }).collectList().block(watchdog.multipliedBy(10));
            exit = (VmExited) events.get(events.size() - 1);
        }
        double toExit = (System.nanoTime() - t0) / 1e6;
        String failure = null;
        if (exit.reason() != ExitReason.REBOOT) {
            failure = exit.reason() + ": " + exit.detail();
        } else if (!bad.isEmpty()) {
            failure = "console: " + bad.get(0);
        } else if (!marks.contains("ok")) {
            failure = marks.stream().filter(s -> s.startsWith("fail")).findFirst().orElse("no 'BENCH ok' from init");
        }
        return new Boot(exit.reason(), exit.detail(), failure == null, failure, at[0], at[4], at[1], at[2], at[3],
                toExit, iterations[0]);
    }

    // ------------------------------------------------------------------ modes

    static void soak(Args a) throws Exception {
        Path initrd = a.tmp.resolve("soak.cpio");
        Files.write(initrd, initramfs(initScript(true, 1, 2), a.scheduler));
        System.out.printf("Soak: %d consecutive boots per machine type, QEMU/TCG (%s), kernel %s, %s attached and"
                + " detached in each; no retries.%n", a.boots, QemuBackend.findQemu().orElse(null), a.kernel,
                a.scheduler.getFileName());
        List<String[]> rows = new ArrayList<>();
        for (String m : a.machines) {
            MachineType machine = MachineType.valueOf(m.toUpperCase(Locale.ROOT));
            Topology topo = a.topology != null ? a.topology
                    : machine == MachineType.PC ? Topology.parse("2n2l2c1t") : Topology.parse("1n2l2c1t");
            QemuBackend backend = new QemuBackend(QemuOptions.defaults().withAccel(QemuOptions.Accel.TCG)
                    .withMachine(machine));
            int ok = 0;
            List<Double> toInit = new ArrayList<>();
            List<Double> toExit = new ArrayList<>();
            List<Double> attach = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (int i = 1; i <= a.boots; i++) {
                Boot b = runOnce(backend, topo, a.kernel, initrd, Duration.ofSeconds(120));
                System.out.printf("  %-7s %-9s boot %2d/%d: %-6s init %6.0f ms, attached %6.0f ms, exit %6.0f ms%s%n",
                        m, topo.label(), i, a.boots, b.ok ? "ok" : "FAILED", b.toInitMs, b.toEnabledMs - b.toInitMs,
                        b.toExitMs, b.ok ? "" : " -- " + b.failure);
                if (b.ok) {
                    ok++;
                    toInit.add(b.toInitMs);
                    toExit.add(b.toExitMs);
                    attach.add(b.toEnabledMs - b.toInitMs);
                } else {
                    failures.add("boot " + i + ": " + b.failure);
                }
            }
            rows.add(new String[] {m, topo.label(), ok + "/" + a.boots, stats(toInit), stats(attach), stats(toExit),
                    failures.isEmpty() ? "-" : String.join("; ", failures)});
        }
        table(new String[] {"machine", "topology", "clean boots", "to init ms (med/min/max)",
                "attach ms (med/min/max)", "to exit ms (med/min/max)", "failures"}, rows);
    }

    static void compare(Args a, boolean steady) throws Exception {
        Path initrd = a.tmp.resolve(steady ? "steady.cpio" : "boot.cpio");
        int busy = 5;
        List<Topology> topologies = new ArrayList<>();
        if (a.topology != null) {
            topologies.add(a.topology);
        } else if (steady) {
            topologies.add(Topology.parse("1n2l1c1t"));
        } else {
            for (int n : a.vcpus) { // one LLC of n cores: the vCPU count is what boot time depends on
                topologies.add(Topology.parse("1n1l" + n + "c1t"));
            }
        }
        int maxCpus = topologies.stream().mapToInt(Topology::totalCpus).max().orElse(2);
        Files.write(initrd, steady ? initramfs(initScript(true, busy, maxCpus * 2), a.scheduler)
                : initramfs(initScript(false, 0, 0), null));
        System.out.printf("%s: %d runs per backend and topology, kernel %s%s%n", steady ? "Steady" : "Boot", a.boots,
                a.kernel, steady ? ", " + a.scheduler.getFileName() + " + " + (maxCpus * 2) + " busy shell workers for "
                        + busy + " s" : "; times from just before VM creation");
        KvmProbe.Result kvm = KvmProbe.probe();
        List<String[]> rows = new ArrayList<>();
        Map<String, Double> initMedian = new LinkedHashMap<>();
        for (Topology topo : topologies) {
            for (String name : a.backends) {
                VmBackend backend;
                switch (name) {
                    case "qemu-tcg" -> backend = new QemuBackend(QemuOptions.defaults()
                            .withAccel(QemuOptions.Accel.TCG));
                    case "qemu-kvm" -> {
                        if (!kvm.usable()) {
                            rows.add(skipped(name, topo, kvm.reason()));
                            continue;
                        }
                        backend = new QemuBackend(QemuOptions.defaults().withAccel(QemuOptions.Accel.KVM));
                    }
                    case "kvm" -> {
                        try {
                            backend = Backends.select("kvm").backend();
                        } catch (RuntimeException e) {
                            rows.add(skipped(name, topo, e.getMessage()));
                            continue;
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown backend " + name
                            + " (qemu-tcg, qemu-kvm, kvm)");
                }
                List<Double> created = new ArrayList<>();
                List<Double> console = new ArrayList<>();
                List<Double> toInit = new ArrayList<>();
                List<Double> toExit = new ArrayList<>();
                List<Double> rate = new ArrayList<>();
                int ok = 0;
                List<String> failures = new ArrayList<>();
                for (int i = 0; i < a.boots; i++) {
                    Boot b = runOnce(backend, topo, a.kernel, initrd, Duration.ofSeconds(120));
                    // A line per boot as it ends: a long run (the rig) shows progress and keeps what it measured.
                    System.out.printf(Locale.ROOT, "  %s %d vCPUs boot %d: %s, created %.0f ms, 1st console %.0f ms,"
                            + " init %.0f ms, exit %.0f ms%n", name, topo.totalCpus(), i + 1,
                            b.ok ? "ok" : "FAILED " + b.failure, b.toCreatedMs, b.toConsoleMs, b.toInitMs, b.toExitMs);
                    if (!b.ok) {
                        failures.add(b.failure);
                        continue;
                    }
                    ok++;
                    created.add(b.toCreatedMs);
                    console.add(b.toConsoleMs);
                    toInit.add(b.toInitMs);
                    toExit.add(b.toExitMs);
                    if (steady) {
                        rate.add(b.workerIterations / (double) busy / 1e3);
                    }
                }
                if (!toInit.isEmpty()) {
                    initMedian.put(name + "@" + topo.totalCpus(), median(toInit));
                }
                rows.add(new String[] {name, String.valueOf(topo.totalCpus()), ok + "/" + a.boots, stats(created),
                        stats(console), stats(toInit), stats(toExit), steady ? stats(rate) : "-",
                        failures.isEmpty() ? "-" : String.join("; ", failures)});
            }
        }
        table(new String[] {"backend", "vCPUs", "clean", "to VmCreated ms", "to 1st console ms",
                "to init ms (med/min/max)", "to exit ms", "shell loop kiter/s", "failures"}, rows);
        // The Java VMM against QEMU microvm with KVM on the same kernel and initramfs (goal: at most 0.7 in the rig).
        for (Topology topo : topologies) {
            Double ours = initMedian.get("kvm@" + topo.totalCpus());
            Double qemu = initMedian.get("qemu-kvm@" + topo.totalCpus());
            if (ours != null && qemu != null) {
                System.out.printf(Locale.ROOT, "%d vCPUs: Java VMM / QEMU microvm (KVM), median time to init: "
                        + "%.0f / %.0f ms = %.2f%n", topo.totalCpus(), ours, qemu, ours / qemu);
            }
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    static String[] skipped(String name, Topology topo, String why) {
        return new String[] {name, String.valueOf(topo.totalCpus()), "skipped", "-", "-", "-", "-", "-", why};
    }

    static String stats(List<Double> xs) {
        if (xs.isEmpty()) {
            return "-";
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f", median(s), s.get(0), s.get(s.size() - 1));
    }

    static void table(String[] header, List<String[]> rows) {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder("\n");
        line(sb, header, w);
        String[] dash = new String[header.length];
        for (int i = 0; i < w.length; i++) {
            dash[i] = "-".repeat(w[i]);
        }
        line(sb, dash, w);
        rows.forEach(r -> line(sb, r, w));
        System.out.println(sb);
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        sb.append("| ");
        for (int i = 0; i < cells.length; i++) {
            sb.append(String.format("%-" + w[i] + "s", cells[i])).append(" | ");
        }
        sb.setLength(sb.length() - 1);
        sb.append('\n');
    }

    static final class Args {
        String mode = "boot";
        int boots = -1;
        Path kernel = DEFAULT_KERNEL;
        Path scheduler = DEFAULT_SCHEDULER;
        Topology topology;
        List<String> machines = List.of("microvm", "pc");
        List<String> backends = List.of("qemu-tcg", "qemu-kvm", "kvm");
        List<Integer> vcpus = List.of(1, 2, 4);
        Path tmp;

        static Args parse(String[] argv) throws IOException {
            Args a = new Args();
            Map<String, String> opts = new LinkedHashMap<>();
            for (int i = 0; i < argv.length; i++) {
                if (argv[i].startsWith("--")) {
                    if (i + 1 >= argv.length) {
                        throw new IllegalArgumentException(argv[i] + " needs a value");
                    }
                    opts.put(argv[i].substring(2), argv[++i]);
                } else {
                    a.mode = argv[i];
                }
            }
            a.boots = Integer.parseInt(opts.getOrDefault("boots",
                    switch (a.mode) {
                        case "soak" -> "30";
                        case "steady" -> "3";
                        default -> "5";
                    }));
            if (opts.containsKey("kernel")) {
                a.kernel = Path.of(opts.get("kernel"));
            }
            if (opts.containsKey("scheduler")) {
                a.scheduler = Path.of(opts.get("scheduler"));
            }
            if (opts.containsKey("topology")) {
                a.topology = TopologyPresets.resolve(opts.get("topology"));
            }
            if (opts.containsKey("machines")) {
                a.machines = List.of(opts.get("machines").split(","));
            }
            if (opts.containsKey("backends")) {
                a.backends = List.of(opts.get("backends").split(","));
            }
            if (opts.containsKey("vcpus")) {
                a.vcpus = java.util.Arrays.stream(opts.get("vcpus").split(",")).map(Integer::valueOf).toList();
            }
            a.tmp = Files.createTempDirectory("ktstr4j-bench-");
            return a;
        }
    }

    public static void main(String[] argv) throws Exception {
        Args a = Args.parse(argv);
        for (Path p : List.of(a.kernel, BUSYBOX)) {
            if (!Files.isReadable(p)) {
                System.err.println("BackendBench: " + p + " is missing (kernel: --kernel PATH; busybox: apt-get install"
                        + " busybox-static)");
                System.exit(2);
            }
        }
        System.out.println("BackendBench " + a.mode + " at " + Instant.now() + " on " + Runtime.getRuntime()
                .availableProcessors() + " host CPUs; KVM: " + KvmProbe.probe().reason());
        switch (a.mode) {
            case "soak" -> soak(a);
            case "boot" -> compare(a, false);
            case "steady" -> compare(a, true);
            default -> {
                System.err.println("usage: BackendBench soak|boot|steady [--boots N] [--machines microvm,pc]"
                        + " [--backends qemu-tcg,qemu-kvm,kvm] [--vcpus 1,2,4] [--kernel P] [--scheduler P]"
                        + " [--topology T]");
                System.exit(2);
            }
        }
    }
}
