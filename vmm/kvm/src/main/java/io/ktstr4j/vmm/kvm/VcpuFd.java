package io.ktstr4j.vmm.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.ktstr4j.vmm.hooks.KvmStatsFile;
import io.ktstr4j.vmm.nativelib.KvmIoctls;
import io.ktstr4j.vmm.nativelib.LibC;
import io.ktstr4j.vmm.x86.CpuidEntry;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** One vCPU: its registers, CPUID, LAPIC, and KVM_RUN over the mmap'd {@code struct kvm_run}. */
public final class VcpuFd implements AutoCloseable {
    // struct kvm_run offsets
    static final int RUN_IMMEDIATE_EXIT = 1;
    static final int RUN_EXIT_REASON = 8;
    static final int RUN_UNION = 32;

    public static final int EXIT_UNKNOWN = 0;
    public static final int EXIT_EXCEPTION = 1;
    public static final int EXIT_IO = 2;
    public static final int EXIT_HLT = 5;
    public static final int EXIT_MMIO = 6;
    public static final int EXIT_SHUTDOWN = 8;
    public static final int EXIT_FAIL_ENTRY = 9;
    public static final int EXIT_INTR = 10;
    public static final int EXIT_INTERNAL_ERROR = 17;
    public static final int EXIT_SYSTEM_EVENT = 24;

    public static final int SYSTEM_EVENT_SHUTDOWN = 1;
    public static final int SYSTEM_EVENT_RESET = 2;
    public static final int SYSTEM_EVENT_CRASH = 3;

    private final int id;
    private final int fd;
    private final Pointer run;
    private final int runSize;
    private boolean closed;
    private int statsFd = -1; // KVM_GET_STATS_FD, opened on first use; -2 = the kernel has none

    VcpuFd(int id, int fd, int runSize) {
        this.id = id;
        this.fd = fd;
        this.runSize = runSize;
        this.run = Sys.mmap(runSize, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, "kvm_run of vCPU " + id);
    }

    public int id() {
        return id;
    }

    public void setCpuid(List<CpuidEntry> entries) {
        Sys.ioctl(fd, KvmIoctls.KVM_SET_CPUID2, KvmStructs.cpuid2(entries), "KVM_SET_CPUID2(vcpu " + id + ")");
    }

    public byte[] getSregs() {
        byte[] b = new byte[KvmStructs.SREGS_SIZE];
        Sys.ioctl(fd, KvmIoctls.KVM_GET_SREGS, b, "KVM_GET_SREGS(vcpu " + id + ")");
        return b;
    }

    public void setSregs(byte[] sregs) {
        Sys.ioctl(fd, KvmIoctls.KVM_SET_SREGS, sregs.clone(), "KVM_SET_SREGS(vcpu " + id + ")");
    }

    public byte[] getRegs() {
        byte[] b = new byte[KvmStructs.REGS_SIZE];
        Sys.ioctl(fd, KvmIoctls.KVM_GET_REGS, b, "KVM_GET_REGS(vcpu " + id + ")");
        return b;
    }

    public void setRegs(byte[] regs) {
        Sys.ioctl(fd, KvmIoctls.KVM_SET_REGS, regs.clone(), "KVM_SET_REGS(vcpu " + id + ")");
    }

    public void setFpu(byte[] fpu) {
        Sys.ioctl(fd, KvmIoctls.KVM_SET_FPU, fpu.clone(), "KVM_SET_FPU(vcpu " + id + ")");
    }

    public void setMsrs(byte[] msrs) {
        int n = Sys.ioctl(fd, KvmIoctls.KVM_SET_MSRS, msrs.clone(), "KVM_SET_MSRS(vcpu " + id + ")");
        if (n != KvmStructs.msrCount(msrs)) {
            throw new KvmException("KVM_SET_MSRS(vcpu " + id + ")", 0, "set " + n + " of " + KvmStructs.msrCount(msrs)
                    + " MSRs");
        }
    }

    public byte[] getLapic() {
        byte[] b = new byte[KvmStructs.LAPIC_SIZE];
        Sys.ioctl(fd, KvmIoctls.KVM_GET_LAPIC, b, "KVM_GET_LAPIC(vcpu " + id + ")");
        return b;
    }

    public void setLapic(byte[] lapic) {
        Sys.ioctl(fd, KvmIoctls.KVM_SET_LAPIC, lapic.clone(), "KVM_SET_LAPIC(vcpu " + id + ")");
    }

    /**
     * Enters the guest until the next exit. Returns the exit reason, or {@link #EXIT_INTR} when a signal (the kick)
     * interrupted KVM_RUN.
     */
    public int run() {
        try {
            LibC.INSTANCE.ioctl(fd, new NativeLong(KvmIoctls.KVM_RUN), 0L);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR || e.getErrorCode() == LibC.EAGAIN) {
                return EXIT_INTR;
            }
            throw new KvmException("KVM_RUN(vcpu " + id + ")", e.getErrorCode(), null);
        }
        return run.getInt(RUN_EXIT_REASON);
    }

    /** Makes the next (or current, once kicked) KVM_RUN return at once. */
    public synchronized void setImmediateExit(boolean on) {
        if (!closed) { // kvm_run is unmapped once closed
            run.setByte(RUN_IMMEDIATE_EXIT, (byte) (on ? 1 : 0));
        }
    }

    // KVM_EXIT_IO
    public boolean ioIsOut() {
        return run.getByte(RUN_UNION) == 1;
    }

    public int ioSize() {
        return run.getByte(RUN_UNION + 1) & 0xff;
    }

    public int ioPort() {
        return run.getShort(RUN_UNION + 2) & 0xffff;
    }

    public int ioCount() {
        return run.getInt(RUN_UNION + 4);
    }

    public long ioDataOffset() {
        return run.getLong(RUN_UNION + 8);
    }

    /** Reads {@code size} bytes of I/O data element {@code i}. */
    public int ioData(int i) {
        long off = ioDataOffset() + (long) i * ioSize();
        return switch (ioSize()) {
            case 1 -> run.getByte(off) & 0xff;
            case 2 -> run.getShort(off) & 0xffff;
            default -> run.getInt(off);
        };
    }

    public void setIoData(int i, int value) {
        long off = ioDataOffset() + (long) i * ioSize();
        switch (ioSize()) {
            case 1 -> run.setByte(off, (byte) value);
            case 2 -> run.setShort(off, (short) value);
            default -> run.setInt(off, value);
        }
    }

    // KVM_EXIT_MMIO
    public long mmioAddress() {
        return run.getLong(RUN_UNION);
    }

    public int mmioLength() {
        return run.getInt(RUN_UNION + 16);
    }

    public boolean mmioIsWrite() {
        return run.getByte(RUN_UNION + 20) != 0;
    }

    /** Answers an MMIO read with all ones (no device there). */
    public void mmioReadAllOnes() {
        for (int i = 0; i < 8; i++) {
            run.setByte(RUN_UNION + 8 + i, (byte) 0xff);
        }
    }

    /** KVM_EXIT_SYSTEM_EVENT type. */
    public int systemEventType() {
        return run.getInt(RUN_UNION);
    }

    /** A readable description of FAIL_ENTRY / INTERNAL_ERROR exits. */
    public String failureDetail(int reason) {
        if (reason == EXIT_FAIL_ENTRY) {
            return String.format("hardware entry failure reason 0x%x", run.getLong(RUN_UNION));
        }
        if (reason == EXIT_INTERNAL_ERROR) {
            int sub = run.getInt(RUN_UNION);
            int n = Math.min(run.getInt(RUN_UNION + 4), 16);
            StringBuilder s = new StringBuilder("internal error suberror " + sub);
            for (int i = 0; i < n; i++) {
                s.append(String.format(" 0x%x", run.getLong(RUN_UNION + 8 + 8L * i)));
            }
            return s.toString();
        }
        return "exit reason " + reason;
    }

    /**
     * This vCPU's binary statistics (KVM_GET_STATS_FD, Linux 5.15+) as positioned reads, or empty when the kernel has
     * none. The fd is opened once and closed with the vCPU.
     */
    public synchronized Optional<KvmStatsFile> statsFile() {
        if (closed || statsFd == -2) {
            return Optional.empty();
        }
        if (statsFd < 0) {
            try {
                statsFd = Sys.ioctl(fd, KvmIoctls.KVM_GET_STATS_FD, 0L, "KVM_GET_STATS_FD(vcpu " + id + ")");
            } catch (KvmException e) {
                statsFd = -2;
                return Optional.empty();
            }
        }
        return Optional.of(this::preadStats);
    }

    private synchronized int preadStats(ByteBuffer dst, long offset) {
        if (closed || statsFd < 0) {
            throw new KvmException("pread(stats of vcpu " + id + ")", 9, "the vCPU is closed");
        }
        int n = dst.remaining();
        if (n == 0) {
            return 0;
        }
        try (Memory m = new Memory(n)) {
            long got = LibC.INSTANCE.pread(statsFd, m, new NativeLong(n), offset).longValue();
            if (got <= 0) {
                return got == 0 ? -1 : (int) got;
            }
            dst.put(m.getByteArray(0, (int) got));
            return (int) got;
        } catch (LastErrorException e) {
            throw new KvmException("pread(stats of vcpu " + id + ")", e.getErrorCode(), null);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (statsFd >= 0) {
                Sys.close(statsFd);
            }
            Sys.munmap(run, runSize);
            Sys.close(fd);
        }
    }
}
