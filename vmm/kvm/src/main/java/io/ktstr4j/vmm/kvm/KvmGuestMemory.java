package io.ktstr4j.vmm.kvm;

import com.sun.jna.Pointer;
import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.GuestMemoryException;
import io.ktstr4j.vmm.nativelib.LibC;
import io.ktstr4j.vmm.x86.Layout;
import io.ktstr4j.vmm.x86.RamLayout;
import io.ktstr4j.vmm.x86.RamRegion;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Guest RAM as one anonymous host mapping; KVM memslots (one per NUMA node region) are windows on it. Guest-physical
 * addresses above the MMIO gap map to RAM offsets below it shifted by the gap's size.
 */
public final class KvmGuestMemory implements GuestMemory, AutoCloseable {
    private final RamLayout layout;
    private final Pointer base;
    private final long size;
    // readers (monitor, ring drain) hold the read lock so close() cannot unmap under them: a read then fails cleanly
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    public KvmGuestMemory(RamLayout layout) {
        this.layout = layout;
        this.size = layout.totalBytes();
        this.base = Sys.mmap(size, LibC.PROT_READ | LibC.PROT_WRITE,
                LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, "guest RAM");
    }

    public RamLayout layout() {
        return layout;
    }

    /** Host virtual address backing guest-physical {@code gpa}. */
    public long hostAddress(long gpa) {
        return Pointer.nativeValue(base) + ramOffset(gpa, 0);
    }

    /** Registers one memslot per RAM region. */
    public void register(VmFd vm) {
        int slot = 0;
        for (RamRegion r : layout.regions()) {
            vm.setUserMemoryRegion(slot++, r.gpa(), r.size(), hostAddress(r.gpa()));
        }
    }

    private long ramOffset(long gpa, long len) {
        if (!contains(gpa, len)) {
            throw new GuestMemoryException(String.format("guest-physical range 0x%x+%d is outside guest RAM", gpa, len));
        }
        return gpa >= Layout.MMIO_GAP_END ? gpa - (Layout.MMIO_GAP_END - Layout.MMIO_GAP_START) : gpa;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean contains(long gpa, long len) {
        if (gpa < 0 || len < 0) {
            return false;
        }
        // compare lengths, not gpa + len: that sum overflows for a huge len (a corrupt pointer read from the guest)
        // and a negative end would pass as inside RAM
        if (gpa < Layout.MMIO_GAP_START) {
            long limit = Math.min(size, Layout.MMIO_GAP_START);
            return gpa <= limit && len <= limit - gpa;
        }
        return gpa >= Layout.MMIO_GAP_END && size > Layout.MMIO_GAP_START && gpa <= layout.end()
                && len <= layout.end() - gpa;
    }

    @Override
    public void read(long gpa, byte[] dst, int off, int len) {
        lock.readLock().lock();
        try {
            checkOpen();
            base.read(ramOffset(gpa, len), dst, off, len);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void write(long gpa, byte[] src, int off, int len) {
        lock.readLock().lock();
        try {
            checkOpen();
            base.write(ramOffset(gpa, len), src, off, len);
        } finally {
            lock.readLock().unlock();
        }
    }

    public void write(long gpa, byte[] src) {
        write(gpa, src, 0, src.length);
    }

    @Override
    public int readU32(long gpa) {
        lock.readLock().lock();
        try {
            checkOpen();
            return base.getInt(ramOffset(gpa, 4));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long readU64(long gpa) {
        lock.readLock().lock();
        try {
            checkOpen();
            return base.getLong(ramOffset(gpa, 8));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Zero-fills [gpa, gpa+len). */
    public void zero(long gpa, long len) {
        lock.readLock().lock();
        try {
            checkOpen();
            base.setMemory(ramOffset(gpa, len), len, (byte) 0);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new GuestMemoryException("guest memory is closed (the VM was released)");
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                Sys.munmap(base, size);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
