package io.ktstr4j.vmm.nativelib;

/**
 * KVM ioctl request numbers (include/uapi/linux/kvm.h), computed with the kernel's _IOC encoding: the one table the
 * KVM VMM and the KVM probe use. A number encodes the size of its struct, so those sizes live here too.
 */
public final class KvmIoctls {
    private KvmIoctls() {}

    public static final int KVMIO = 0xae;

    // sizeof the x86_64 structs whose size the request numbers encode
    public static final int REGS_SIZE = 144;
    public static final int SREGS_SIZE = 312;
    public static final int FPU_SIZE = 416;
    public static final int LAPIC_SIZE = 1024;

    private static long io(int nr) {
        return ioc(0, nr, 0);
    }

    private static long iow(int nr, int size) {
        return ioc(1, nr, size);
    }

    private static long ior(int nr, int size) {
        return ioc(2, nr, size);
    }

    private static long iowr(int nr, int size) {
        return ioc(3, nr, size);
    }

    private static long ioc(int dir, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | (KVMIO << 8) | nr;
    }

    /** The only KVM API version there has ever been (KVM_GET_API_VERSION answers it on every usable host). */
    public static final int KVM_API_VERSION = 12;

    public static final long KVM_GET_API_VERSION = io(0x00);
    public static final long KVM_CREATE_VM = io(0x01);
    public static final long KVM_CHECK_EXTENSION = io(0x03);
    public static final long KVM_GET_VCPU_MMAP_SIZE = io(0x04);
    public static final long KVM_GET_SUPPORTED_CPUID = iowr(0x05, 8);
    public static final long KVM_CREATE_VCPU = io(0x41);
    public static final long KVM_SET_USER_MEMORY_REGION = iow(0x46, 32);
    public static final long KVM_SET_TSS_ADDR = io(0x47);
    public static final long KVM_SET_IDENTITY_MAP_ADDR = iow(0x48, 8);
    public static final long KVM_CREATE_IRQCHIP = io(0x60);
    public static final long KVM_IRQ_LINE = iow(0x61, 8);
    public static final long KVM_CREATE_PIT2 = iow(0x77, 64);
    public static final long KVM_RUN = io(0x80);
    public static final long KVM_GET_REGS = ior(0x81, REGS_SIZE);
    public static final long KVM_SET_REGS = iow(0x82, REGS_SIZE);
    public static final long KVM_GET_SREGS = ior(0x83, SREGS_SIZE);
    public static final long KVM_SET_SREGS = iow(0x84, SREGS_SIZE);
    public static final long KVM_SET_MSRS = iow(0x89, 8);
    public static final long KVM_GET_FPU = ior(0x8c, FPU_SIZE);
    public static final long KVM_SET_FPU = iow(0x8d, FPU_SIZE);
    public static final long KVM_GET_LAPIC = ior(0x8e, LAPIC_SIZE);
    public static final long KVM_SET_LAPIC = iow(0x8f, LAPIC_SIZE);
    public static final long KVM_SET_CPUID2 = iow(0x90, 8);
    public static final long KVM_GET_STATS_FD = io(0xce);

    // capabilities (KVM_CHECK_EXTENSION)
    public static final int KVM_CAP_IRQCHIP = 0;
    public static final int KVM_CAP_USER_MEMORY = 3;
    public static final int KVM_CAP_SET_TSS_ADDR = 4;
    public static final int KVM_CAP_EXT_CPUID = 7;
    public static final int KVM_CAP_NR_VCPUS = 9;
    public static final int KVM_CAP_NR_MEMSLOTS = 10;
    public static final int KVM_CAP_PIT2 = 33;
    public static final int KVM_CAP_SET_IDENTITY_MAP_ADDR = 37;
    public static final int KVM_CAP_MAX_VCPUS = 66;
    public static final int KVM_CAP_IMMEDIATE_EXIT = 136;
}
