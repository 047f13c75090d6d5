package io.ktstr4j.vmm.qemu;

import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.KernelCmdline;
import io.ktstr4j.vmm.KvmProbe;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.VmConfig;
import io.ktstr4j.vmm.VmConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs test VMs with {@code qemu-system-x86_64}: the fallback where the Java KVM VMM cannot run (no KVM, or PVM),
 * and the way every VM test runs in CI. Same {@link Vm} contract as the KVM backend: COM1/COM2 lines as events,
 * guest RAM shared through /dev/shm files mapped by the host, the SHM ring at the top of RAM.
 *
 * <p>QEMU uses {@code -accel kvm} where {@link KvmProbe} says KVM can run a standard guest and multi-threaded TCG
 * otherwise; under TCG the CPU model, clock and timeouts are adapted (see {@link QemuCommand}, docs/qemu-backend.md).
 */
public final class QemuBackend implements VmBackend {

    public static final String NAME = "qemu";
    /** Guest RAM file name in the VM's folder: {@code ram-node<N>}. */
    static final String RAM_FILE = "ram";
    static final String INSTALL_HINT = "install QEMU (Debian/Ubuntu: apt-get install qemu-system-x86; Fedora: dnf install"
            + " qemu-system-x86) or point $KTSTR_QEMU at a qemu-system-x86_64 binary";

    private static final Pattern CPU_MHZ = Pattern.compile("^cpu MHz\\s*:\\s*([0-9.]+)", Pattern.MULTILINE);

    private final QemuOptions options;

    public QemuBackend() {
        this(QemuOptions.defaults());
    }

    public QemuBackend(QemuOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return NAME;
    }

    public QemuOptions options() {
        return options;
    }

    /** The qemu-system-x86_64 this backend would run: the option, {@code $KTSTR_QEMU}, then the PATH. */
    public Optional<Path> qemuBinary() {
        if (options.qemuBinary() != null) {
            return Files.isExecutable(options.qemuBinary()) ? Optional.of(options.qemuBinary()) : Optional.empty();
        }
        return findQemu();
    }

    public static Optional<Path> findQemu() {
        String env = System.getenv("KTSTR_QEMU");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, "qemu-system-x86_64");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** True when this backend will use KVM acceleration. */
    public boolean usesKvm() {
        return switch (options.accel()) {
            case KVM -> true;
            case TCG -> false;
            case AUTO -> KvmProbe.probe().usable();
        };
    }

    @Override
    public int timeScale() {
        return usesKvm() ? 1 : options.tcgTimeScale();
    }

    @Override
    public boolean softwareEmulated() {
        return !usesKvm();
    }

    @Override
    public Vm create(VmConfig config) {
        if (config == null) {
            throw new VmConfigException("config: required");
        }
        Path qemu = qemuBinary().orElseThrow(() -> new VmConfigException(options.qemuBinary() != null
                ? "qemuBinary: " + options.qemuBinary() + " is not an executable file"
                : "qemu-system-x86_64 not found (looked at $KTSTR_QEMU and the PATH): " + INSTALL_HINT));
        Topology topology = config.topology();
        if (topology == null) {
            throw new VmConfigException("topology: required");
        }
        String format = kernelFormat(config.kernel());
        long initrdBytes = 0;
        for (Path p : config.initramfs()) {
            if (p == null || !Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new VmConfigException("initramfs: " + p + " is not a readable file");
            }
            initrdBytes += size(p, "initramfs");
        }
        boolean kvm = usesKvm();
        if (options.accel() == QemuOptions.Accel.KVM && !KvmProbe.probe().usable()) {
            throw new VmConfigException("accel kvm: " + KvmProbe.probe().reason());
        }
        MachineType machine = options.machine().resolve(topology.numaNodes());
        if (machine == MachineType.MICROVM && topology.numaNodes() > 1) {
            throw new VmConfigException("machine microvm cannot show " + topology.numaNodes() + " NUMA nodes (it has no"
                    + " ACPI SRAT); use machine pc or AUTO for topology " + topology.label());
        }
        boolean memoryOnlyNode = !topology.isUniform()
                && topology.nodes().stream().anyMatch(n -> n.llcs() == 0);
        if (memoryOnlyNode) {
            throw new VmConfigException("topology " + topology.label() + ": memory-only NUMA nodes (llcs = 0) are not"
                    + " supported by the qemu backend yet");
        }
        long shmBytes = config.shmBytes();
        sweepStaleFiles(options);
        // unpredictable names in this user's private (0700) folder; created when the VM starts (VmRunDir)
        Path ramDir = VmRunDir.choose(options.shmDir());
        Path sockDir = options.runDir().equals(options.shmDir()) ? ramDir
                : VmRunDir.userDir(options.runDir()).resolve(ramDir.getFileName());
        GuestRamLayout ram = GuestRamLayout.plan(machine, config.memoryMb(),
                GuestRamLayout.splitByNode(topology, config.memoryMb()), shmBytes, ramDir.resolve(RAM_FILE).toString());

        KernelCmdline.Builder cmd = KernelCmdline.builder()
                .verbose(config.verbose())
                .reboot(machine == MachineType.MICROVM ? KernelCmdline.Reboot.TRIPLE_FAULT
                        : KernelCmdline.Reboot.KEYBOARD)
                .shm(ram.shm(), true)
                .topologyLabel(topology.label())
                .userArgs(config.kargs());
        if (kvm) {
            cmd.clock(KernelCmdline.Clock.KVM_CLOCK);
        } else {
            cmd.clock(KernelCmdline.Clock.TSC_FROM_HOST).tscKhz(options.tscKhz() > 0 ? options.tscKhz() : hostTscKhz());
        }
        String cmdline = cmd.build();

        Duration watchdog = config.watchdog() == null ? VmConfig.DEFAULT_WATCHDOG : config.watchdog();
        if (watchdog.isNegative() || watchdog.isZero()) {
            throw new VmConfigException("watchdog: " + watchdog + " must be positive");
        }
        int scale = timeScale();
        return new QemuVm(new QemuVm.Plan(qemu, machine, kvm, topology, ram, config, format,
                size(config.kernel(), "kernel"), initrdBytes, cmdline, watchdog, scale, ramDir, sockDir));
    }

    static String kernelFormat(Path kernel) {
        if (kernel == null) {
            throw new VmConfigException("kernel: required");
        }
        if (!Files.isRegularFile(kernel) || !Files.isReadable(kernel)) {
            throw new VmConfigException("kernel: " + kernel + " is not a readable file");
        }
        byte[] head = new byte[0x210];
        int n;
        try (InputStream in = Files.newInputStream(kernel)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new VmConfigException("kernel: cannot read " + kernel + ": " + e.getMessage(), e);
        }
        if (n >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            return "elf";
        }
        if (n >= 0x206 && head[0x202] == 'H' && head[0x203] == 'd' && head[0x204] == 'r' && head[0x205] == 'S') {
            return "bzImage";
        }
        throw new VmConfigException("kernel: " + kernel + " is neither a bzImage (no 'HdrS' at 0x202) nor an ELF vmlinux");
    }

    private static long size(Path p, String what) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new VmConfigException(what + ": cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * The host's TSC rate in kHz, taken from /proc/cpuinfo's {@code cpu MHz}: under TCG the guest's TSC ticks at the
     * host's rate, so passing it as tsc_early_khz spares the guest a PIT calibration that can hang on a busy host.
     */
    static long hostTscKhz() {
        try {
            Matcher m = CPU_MHZ.matcher(Files.readString(Path.of("/proc/cpuinfo")));
            if (m.find()) {
                return Math.round(Double.parseDouble(m.group(1)) * 1000);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: the kernel calibrates itself
        }
        return 0;
    }

    /**
     * Deletes the VM folders (guest RAM, sockets, logs) that JVMs which died left under this user's folders of
     * {@code shmDir} and {@code runDir}: only those no live process holds the lock of ({@link VmRunDir#sweep}). Run
     * before each VM is planned, so a crash's leftovers go at the next start.
     */
    static void sweepStaleFiles(QemuOptions options) {
        VmRunDir.sweep(options.shmDir());
        if (!options.runDir().equals(options.shmDir())) {
            VmRunDir.sweep(options.runDir());
        }
    }
}
