package io.ktstr4j.vmm.qemu;

import java.nio.file.Path;

/**
 * How {@link QemuBackend} runs QEMU.
 *
 * @param qemuBinary        qemu-system-x86_64 to run; null = {@code $KTSTR_QEMU}, then the PATH
 * @param machine           machine type; AUTO = microvm for one NUMA node, pc for more
 * @param accel             accelerator; AUTO = KVM where {@link io.ktstr4j.vmm.KvmProbe} says it can run a
 *                          standard guest, TCG otherwise
 * @param shmDir            where guest RAM files are created (a tmpfs: /dev/shm)
 * @param runDir            parent of each VM's private folder (unix sockets, the joined initramfs, qemu's log)
 * @param tcgTimeScale      under TCG every timeout of {@code VmConfig} is multiplied by this (guests run many times
 *                          slower than under KVM); 1 under KVM
 * @param tscKhz            the TSC frequency given to a TCG guest ({@code tsc_early_khz}); 0 = the host's
 *                          {@code cpu MHz} from /proc/cpuinfo
 */
public record QemuOptions(Path qemuBinary, MachineType machine, Accel accel, Path shmDir, Path runDir,
        int tcgTimeScale, long tscKhz) {

    /** QEMU's accelerator. */
    public enum Accel { AUTO, KVM, TCG }

    public static final int DEFAULT_TCG_TIME_SCALE = 4;

    /**
     * Where guest RAM files (and QEMU's sockets) go: a writable tmpfs, so guest RAM never touches a disk and both QEMU and this JVM can map
     * it shared. /dev/shm, else /run (a tmpfs on systemd hosts and in ../shared/rig/kvm-rig, which has no /dev/shm),
     * else the temp dir (shared mappings of files on 9p or some overlay mounts fail with EINVAL).
     */
    static Path defaultShmDir() {
        for (String d : new String[] {"/dev/shm", "/run/shm", "/run"}) {
            Path p = Path.of(d);
            if (java.nio.file.Files.isDirectory(p) && java.nio.file.Files.isWritable(p)) {
                return p;
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    public QemuOptions {
        if (machine == null) {
            machine = MachineType.AUTO;
        }
        if (accel == null) {
            accel = Accel.AUTO;
        }
        if (shmDir == null) {
            shmDir = defaultShmDir();
        }
        if (runDir == null) {
            // QEMU's serial and QMP sockets: a tmpfs as well (unix sockets on 9p or NFS fail with ENXIO).
            runDir = defaultShmDir();
        }
        if (tcgTimeScale < 1) {
            throw new IllegalArgumentException("tcgTimeScale must be >= 1, got " + tcgTimeScale);
        }
        if (tscKhz < 0) {
            throw new IllegalArgumentException("tscKhz must be >= 0, got " + tscKhz);
        }
    }

    public static QemuOptions defaults() {
        return new QemuOptions(null, MachineType.AUTO, Accel.AUTO, null, null, DEFAULT_TCG_TIME_SCALE, 0);
    }

    public QemuOptions withMachine(MachineType m) {
        return new QemuOptions(qemuBinary, m, accel, shmDir, runDir, tcgTimeScale, tscKhz);
    }

    public QemuOptions withAccel(Accel a) {
        return new QemuOptions(qemuBinary, machine, a, shmDir, runDir, tcgTimeScale, tscKhz);
    }

    public QemuOptions withQemuBinary(Path p) {
        return new QemuOptions(p, machine, accel, shmDir, runDir, tcgTimeScale, tscKhz);
    }

    public QemuOptions withTcgTimeScale(int scale) {
        return new QemuOptions(qemuBinary, machine, accel, shmDir, runDir, scale, tscKhz);
    }
}
