package io.ktstr4j.vmm.kvm;

import io.ktstr4j.vmm.nativelib.KvmIoctls;
import io.ktstr4j.vmm.x86.Layout;

/** A KVM VM file descriptor: memory slots, the in-kernel irqchip and PIT, interrupt lines, vCPU creation. */
public final class VmFd implements AutoCloseable {
    private final Kvm kvm;
    private final int fd;
    private boolean closed;

    VmFd(Kvm kvm, int fd) {
        this.kvm = kvm;
        this.fd = fd;
    }

    public Kvm kvm() {
        return kvm;
    }

    /** TSS and identity-map pages (needed on Intel for real-mode emulation), in the MMIO gap where no RAM is. */
    public void setupX86() {
        Sys.ioctl(fd, KvmIoctls.KVM_SET_TSS_ADDR, Layout.KVM_TSS, "KVM_SET_TSS_ADDR");
        byte[] addr = new byte[8];
        KvmStructs.le(addr).putLong(0, Layout.KVM_IDENTITY_MAP);
        Sys.ioctl(fd, KvmIoctls.KVM_SET_IDENTITY_MAP_ADDR, addr, "KVM_SET_IDENTITY_MAP_ADDR");
        Sys.ioctl(fd, KvmIoctls.KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP");
        byte[] pit = new byte[64];
        KvmStructs.le(pit).putInt(0, 1); // KVM_PIT_SPEAKER_DUMMY: port 0x61 handled in the kernel
        Sys.ioctl(fd, KvmIoctls.KVM_CREATE_PIT2, pit, "KVM_CREATE_PIT2");
    }

    public void setUserMemoryRegion(int slot, long gpa, long size, long hostAddr) {
        Sys.ioctl(fd, KvmIoctls.KVM_SET_USER_MEMORY_REGION, KvmStructs.memoryRegion(slot, gpa, size, hostAddr),
                String.format("KVM_SET_USER_MEMORY_REGION(slot %d, gpa 0x%x, %d bytes)", slot, gpa, size));
    }

    /** Sets a legacy interrupt line (GSI) to {@code level}. */
    public void irqLine(int irq, int level) {
        byte[] b = new byte[8];
        KvmStructs.le(b).putInt(0, irq).putInt(4, level);
        Sys.ioctl(fd, KvmIoctls.KVM_IRQ_LINE, b, "KVM_IRQ_LINE(" + irq + ")");
    }

    /** An edge on an ISA interrupt line: high then low. */
    public void pulseIrq(int irq) {
        irqLine(irq, 1);
        irqLine(irq, 0);
    }

    public VcpuFd createVcpu(int id) {
        int vfd = Sys.ioctl(fd, KvmIoctls.KVM_CREATE_VCPU, id, "KVM_CREATE_VCPU(" + id + ")");
        try {
            return new VcpuFd(id, vfd, kvm.vcpuMmapSize());
        } catch (RuntimeException e) {
            Sys.close(vfd);
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Sys.close(fd);
        }
    }
}
