package io.ktstr4j.vmm.kvm;

import io.ktstr4j.vmm.nativelib.KvmIoctls;
import io.ktstr4j.vmm.x86.CpuidEntry;
import java.util.List;

/** An open {@code /dev/kvm}: API version, capabilities, supported CPUID, and VM creation. */
public final class Kvm implements AutoCloseable {
    public static final String DEVICE = "/dev/kvm";

    private final int fd;
    private boolean closed;

    private Kvm(int fd) {
        this.fd = fd;
    }

    /** Opens /dev/kvm and checks the API version; the message says what to do when that fails. */
    public static Kvm open() {
        int fd;
        try {
            fd = Sys.open(DEVICE);
        } catch (KvmException e) {
            String hint = switch (e.errno()) {
                case 2 -> "no " + DEVICE + ": this host has no KVM (load kvm_intel/kvm_amd, or run inside a VM with"
                        + " nested virtualisation, or use --backend qemu)";
                case 13, 1 -> "no permission on " + DEVICE + ": add the user to the 'kvm' group";
                default -> "cannot open " + DEVICE;
            };
            throw new KvmException("open(" + DEVICE + ")", e.errno(), hint);
        }
        Kvm k = new Kvm(fd);
        try {
            int v = Sys.ioctl(fd, KvmIoctls.KVM_GET_API_VERSION, 0, "KVM_GET_API_VERSION");
            if (v != KvmIoctls.KVM_API_VERSION) {
                throw new KvmException("KVM_GET_API_VERSION", 0,
                        "API version " + v + ", expected " + KvmIoctls.KVM_API_VERSION);
            }
            for (int cap : new int[] {KvmIoctls.KVM_CAP_IRQCHIP, KvmIoctls.KVM_CAP_USER_MEMORY,
                    KvmIoctls.KVM_CAP_SET_TSS_ADDR, KvmIoctls.KVM_CAP_EXT_CPUID, KvmIoctls.KVM_CAP_PIT2,
                    KvmIoctls.KVM_CAP_IMMEDIATE_EXIT}) {
                if (k.checkExtension(cap) <= 0) {
                    throw new KvmException("KVM_CHECK_EXTENSION(" + cap + ")", 0, "required capability " + cap
                            + " missing: this KVM cannot run the VMM");
                }
            }
        } catch (RuntimeException e) {
            k.close();
            throw e;
        }
        return k;
    }

    int fd() {
        return fd;
    }

    public int checkExtension(int cap) {
        return Sys.ioctl(fd, KvmIoctls.KVM_CHECK_EXTENSION, cap, "KVM_CHECK_EXTENSION(" + cap + ")");
    }

    /** The most vCPUs one VM may have (KVM_CAP_MAX_VCPUS, falling back to NR_VCPUS, then 4 as the API says). */
    public int maxVcpus() {
        int max = checkExtension(KvmIoctls.KVM_CAP_MAX_VCPUS);
        if (max <= 0) {
            max = checkExtension(KvmIoctls.KVM_CAP_NR_VCPUS);
        }
        return max <= 0 ? 4 : max;
    }

    public int maxMemslots() {
        int n = checkExtension(KvmIoctls.KVM_CAP_NR_MEMSLOTS);
        return n <= 0 ? 32 : n;
    }

    public int vcpuMmapSize() {
        return Sys.ioctl(fd, KvmIoctls.KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
    }

    public List<CpuidEntry> supportedCpuid() {
        byte[] buf = KvmStructs.emptyCpuid2(256);
        Sys.ioctl(fd, KvmIoctls.KVM_GET_SUPPORTED_CPUID, buf, "KVM_GET_SUPPORTED_CPUID");
        return KvmStructs.parseCpuid2(buf);
    }

    public VmFd createVm() {
        int vmfd = Sys.ioctl(fd, KvmIoctls.KVM_CREATE_VM, 0, "KVM_CREATE_VM");
        return new VmFd(this, vmfd);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Sys.close(fd);
        }
    }
}
