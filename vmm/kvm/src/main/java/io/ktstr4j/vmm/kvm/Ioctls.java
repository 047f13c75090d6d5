package io.ktstr4j.vmm.kvm;

/** KVM ioctl request numbers (include/uapi/linux/kvm.h), computed with the kernel's _IOC encoding. */
final class Ioctls {
    private Ioctls() {}

    static final int KVMIO = 0xae;

    static long io(int nr) {
        return ioc(0, nr, 0);
    }

    static long iow(int nr, int size) {
        return ioc(1, nr, size);
    }

    static long ior(int nr, int size) {
        return ioc(2, nr, size);
    }

    static long iowr(int nr, int size) {
        return ioc(3, nr, size);
    }

    static long ioc(int dir, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | (KVMIO << 8) | nr;
    }

    static final long KVM_GET_API_VERSION = io(0x00);
    static final long KVM_CREATE_VM = io(0x01);
    static final long KVM_CHECK_EXTENSION = io(0x03);
    static final long KVM_GET_VCPU_MMAP_SIZE = io(0x04);
    static final long KVM_GET_SUPPORTED_CPUID = iowr(0x05, 8);
    static final long KVM_CREATE_VCPU = io(0x41);
    static final long KVM_SET_USER_MEMORY_REGION = iow(0x46, 32);
    static final long KVM_SET_TSS_ADDR = io(0x47);
    static final long KVM_SET_IDENTITY_MAP_ADDR = iow(0x48, 8);
    static final long KVM_CREATE_IRQCHIP = io(0x60);
    static final long KVM_IRQ_LINE = iow(0x61, 8);
    static final long KVM_CREATE_PIT2 = iow(0x77, 64);
    static final long KVM_RUN = io(0x80);
    static final long KVM_GET_REGS = ior(0x81, KvmStructs.REGS_SIZE);
    static final long KVM_SET_REGS = iow(0x82, KvmStructs.REGS_SIZE);
    static final long KVM_GET_SREGS = ior(0x83, KvmStructs.SREGS_SIZE);
    static final long KVM_SET_SREGS = iow(0x84, KvmStructs.SREGS_SIZE);
    static final long KVM_SET_MSRS = iow(0x89, 8);
    static final long KVM_GET_FPU = ior(0x8c, KvmStructs.FPU_SIZE);
    static final long KVM_SET_FPU = iow(0x8d, KvmStructs.FPU_SIZE);
    static final long KVM_GET_LAPIC = ior(0x8e, KvmStructs.LAPIC_SIZE);
    static final long KVM_SET_LAPIC = iow(0x8f, KvmStructs.LAPIC_SIZE);
    static final long KVM_SET_CPUID2 = iow(0x90, 8);
    static final long KVM_GET_STATS_FD = io(0xce);

    // capabilities (KVM_CHECK_EXTENSION)
    static final int KVM_CAP_IRQCHIP = 0;
    static final int KVM_CAP_USER_MEMORY = 3;
    static final int KVM_CAP_SET_TSS_ADDR = 4;
    static final int KVM_CAP_EXT_CPUID = 7;
    static final int KVM_CAP_NR_VCPUS = 9;
    static final int KVM_CAP_NR_MEMSLOTS = 10;
    static final int KVM_CAP_PIT2 = 33;
    static final int KVM_CAP_SET_IDENTITY_MAP_ADDR = 37;
    static final int KVM_CAP_MAX_VCPUS = 66;
    static final int KVM_CAP_IMMEDIATE_EXIT = 136;
}
