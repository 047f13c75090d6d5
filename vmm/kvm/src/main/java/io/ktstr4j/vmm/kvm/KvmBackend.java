package io.ktstr4j.vmm.kvm;

import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.KernelCmdline;
import io.ktstr4j.vmm.KvmProbe;
import io.ktstr4j.vmm.ShmRegion;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.VmConfig;
import io.ktstr4j.vmm.VmConfigException;
import io.ktstr4j.vmm.boot.BootImage;
import io.ktstr4j.vmm.x86.CpuTopology;
import io.ktstr4j.vmm.x86.RamLayout;
import java.time.Duration;
import java.util.List;

/**
 * The Java KVM VMM backend ({@code --backend kvm}). {@link #create} validates everything (kernel, initramfs, memory,
 * topology, kernel arguments, host KVM) and starts nothing; the VM boots when its event stream is subscribed.
 */
public final class KvmBackend implements VmBackend {

    @Override
    public String name() {
        return "kvm";
    }

    @Override
    public Vm create(VmConfig config) {
        Plan plan = plan(config);
        checkHost(plan.topology().cpus());
        return new KvmVm(plan);
    }

    /** Everything a VM needs, validated; {@link KvmVm} only executes it. */
    record Plan(VmConfig config, CpuTopology topology, String topologyLabel, RamLayout ram, BootImage image,
            Duration watchdog) {}

    /** The host-independent half of validation (pure: no /dev/kvm), so it is unit-tested anywhere. */
    static Plan plan(VmConfig config) {
        if (config == null) {
            throw new VmConfigException("config: missing");
        }
        Topology t = config.topology();
        if (t == null) {
            throw new VmConfigException("topology: missing");
        }
        if (!t.isUniform()) {
            throw new VmConfigException("topology: the KVM backend supports uniform topologies only (nodes[] must be"
                    + " empty); " + t.label() + " has per-node detail");
        }
        int[][] dist = null;
        if (!t.distances().isEmpty()) {
            dist = t.distances().stream().map(r -> r.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        }
        CpuTopology topo = new CpuTopology(t.numaNodes(), t.llcs(), t.coresPerLlc(), t.threadsPerCore(), dist);
        if (config.memoryMb() <= 0) {
            throw new VmConfigException("memoryMb: must be positive, got " + config.memoryMb());
        }
        long ramBytes = config.memoryMb() << 20;
        if (ramBytes % RamLayout.ALIGN != 0) {
            throw new VmConfigException("memoryMb: must be a multiple of 2, got " + config.memoryMb());
        }
        long shm = config.shmBytes();
        if (shm < 0 || shm % 4096 != 0) {
            throw new VmConfigException("shmBytes: must be a non-negative multiple of 4096, got " + shm);
        }
        if (shm >= ramBytes / 2) {
            throw new VmConfigException("shmBytes: " + shm + " is not less than half of guest RAM (" + config.memoryMb()
                    + " MiB)");
        }
        RamLayout ram;
        try {
            ram = new RamLayout(ramBytes, topo.numaNodes(), shm);
        } catch (IllegalArgumentException e) {
            throw new VmConfigException("memoryMb: " + e.getMessage(), e);
        }
        String cmdline = KernelCmdline.builder()
                .clock(KernelCmdline.Clock.KVM_CLOCK)
                .reboot(KernelCmdline.Reboot.KEYBOARD)
                .verbose(config.verbose())
                .shm(shm > 0 ? new ShmRegion(ram.shmBase(), shm) : null, false)
                .topologyLabel(topo.label())
                .userArgs(config.kargs() == null ? List.of() : config.kargs())
                .build();
        BootImage img = BootImage.prepare(config.kernel(), config.initramfs(), cmdline);
        long need = img.minimumRamBytes() + shm;
        if (ramBytes < need) {
            throw new VmConfigException("memoryMb: " + config.memoryMb() + " MiB is too small for this kernel and"
                    + " initramfs: need at least " + ((need + (1 << 20) - 1) >> 20) + " MiB (kernel up to 0x"
                    + Long.toHexString(img.kernelEnd()) + ", initramfs " + img.initramfs().length + " bytes, SHM "
                    + shm + " bytes)");
        }
        Duration wd = config.watchdog() == null ? VmConfig.DEFAULT_WATCHDOG : config.watchdog();
        if (wd.isNegative() || wd.isZero()) {
            throw new VmConfigException("watchdog: must be positive, got " + wd);
        }
        return new Plan(config, topo, t.label(), ram, img, wd);
    }

    /** Whether this host's KVM can run the VM: usable KVM, enough vCPUs. */
    static void checkHost(int vcpus) {
        KvmProbe.Result probe = KvmProbe.probe();
        if (!probe.usable()) {
            throw new VmConfigException("backend kvm: KVM cannot run a standard guest here: " + probe.reason()
                    + "; use --backend qemu");
        }
        try (Kvm kvm = Kvm.open()) {
            int max = kvm.maxVcpus();
            if (vcpus > max) {
                throw new VmConfigException("topology: " + vcpus + " vCPUs, but this host's KVM allows at most " + max
                        + " per VM");
            }
        } catch (KvmException e) {
            throw new VmConfigException("backend kvm: " + e.getMessage(), e);
        }
    }
}
