package io.ktstr4j.vmm.mem;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.GuestMemoryException;
import io.ktstr4j.vmm.nativelib.LibC;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Guest RAM mapped into this process with {@code mmap}: either from files that a VMM shares with us (QEMU's
 * {@code memory-backend-file,share=on} under /dev/shm) or anonymous memory (a VMM that owns the RAM itself).
 *
 * <p>Guest memory is untrusted input: every access is bounds-checked against the mapped regions and a miss throws
 * {@link GuestMemoryException}. Accesses take a read lock and {@link #close()} the write lock, so a monitor thread
 * reading while the VM is torn down gets an exception instead of a SIGSEGV on an unmapped page.
 */
public final class MappedGuestMemory implements GuestMemory, AutoCloseable {

    /**
     * One contiguous range of guest-physical memory.
     *
     * @param guestPhysBase first guest-physical address
     * @param size          bytes (a multiple of the page size)
     * @param file          backing file shared with the VMM, or null for anonymous memory
     * @param fileOffset    where the range starts in {@code file} (page aligned; 0 for anonymous memory)
     */
    public record Region(long guestPhysBase, long size, Path file, long fileOffset) {
        public Region {
            if (guestPhysBase < 0 || size <= 0 || fileOffset < 0) {
                throw new IllegalArgumentException("guest memory region: base " + guestPhysBase + ", size " + size
                        + ", offset " + fileOffset + " (base and offset must be >= 0, size > 0)");
            }
            if ((size & (PAGE - 1)) != 0 || (fileOffset & (PAGE - 1)) != 0 || (guestPhysBase & (PAGE - 1)) != 0) {
                throw new IllegalArgumentException("guest memory region at 0x" + Long.toHexString(guestPhysBase)
                        + ": base, size and file offset must be multiples of " + PAGE + " bytes");
            }
            if (guestPhysBase + size < guestPhysBase) {
                throw new IllegalArgumentException("guest memory region overflows the address space");
            }
        }

        public long end() {
            return guestPhysBase + size;
        }
    }

    static final long PAGE = 4096;

    private record Mapping(Region region, Pointer host) {}

    private final List<Mapping> mappings;
    private final long total;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private MappedGuestMemory(List<Mapping> mappings) {
        this.mappings = mappings;
        this.total = mappings.stream().mapToLong(m -> m.region.size()).sum();
    }

    /** Maps every region (files with MAP_SHARED, the others anonymous). Regions must not overlap. */
    public static MappedGuestMemory map(List<Region> regions) {
        List<Region> sorted = new ArrayList<>(regions);
        sorted.sort(Comparator.comparingLong(Region::guestPhysBase));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).guestPhysBase() < sorted.get(i - 1).end()) {
                throw new IllegalArgumentException("guest memory regions overlap at 0x"
                        + Long.toHexString(sorted.get(i).guestPhysBase()));
            }
        }
        List<Mapping> done = new ArrayList<>();
        try {
            for (Region r : sorted) {
                done.add(new Mapping(r, mmap(r)));
            }
        } catch (RuntimeException e) {
            for (Mapping m : done) {
                munmap(m);
            }
            throw e;
        }
        return new MappedGuestMemory(List.copyOf(done));
    }

    /** Anonymous, zero-filled guest RAM of {@code size} bytes at guest-physical 0. */
    public static MappedGuestMemory anonymous(long size) {
        return map(List.of(new Region(0, size, null, 0)));
    }

    private static Pointer mmap(Region r) {
        LibC c = LibC.INSTANCE;
        NativeLong size = new NativeLong(r.size());
        try {
            if (r.file() == null) {
                return c.mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE,
                        LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, new NativeLong(0));
            }
        } catch (LastErrorException e) {
            throw mmapFailed(r, e.getErrorCode());
        }
        int fd;
        try {
            fd = c.open(r.file().toString(), LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new GuestMemoryException("cannot open guest memory file " + r.file() + ": errno " + e.getErrorCode());
        }
        try {
            return c.mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd,
                    new NativeLong(r.fileOffset()));
        } catch (LastErrorException e) {
            throw mmapFailed(r, e.getErrorCode());
        } finally {
            try {
                c.close(fd); // the mapping keeps its own reference to the file
            } catch (LastErrorException e) {
                // the fd is gone either way
            }
        }
    }

    private static GuestMemoryException mmapFailed(Region r, int errno) {
        String hint = errno == LibC.EINVAL && r.file() != null ? " (EINVAL: the file system of "
                + r.file().getParent() + " does not support shared mappings; put guest RAM files on a tmpfs such as"
                + " /dev/shm)"
                : errno == LibC.ENOMEM ? " (ENOMEM: not enough memory or address space; lower the guest's memory)" : "";
        return new GuestMemoryException("mmap of " + r.size() + " bytes of guest memory"
                + (r.file() == null ? "" : " from " + r.file()) + " failed: errno " + errno + hint);
    }

    private static void munmap(Mapping m) {
        try {
            LibC.INSTANCE.munmap(m.host, new NativeLong(m.region.size()));
        } catch (LastErrorException e) {
            // unmapping our own mapping fails only on a bug; nothing to do at teardown
        }
    }

    public List<Region> regions() {
        return mappings.stream().map(Mapping::region).toList();
    }

    /** Host virtual address of {@code gpa} (for KVM memslots); the range must lie inside one region. */
    public long hostAddress(long gpa, long len) {
        Mapping m = find(gpa, len);
        if (m == null) {
            throw outOfRange(gpa, len);
        }
        return Pointer.nativeValue(m.host) + (gpa - m.region.guestPhysBase());
    }

    @Override
    public long size() {
        return total;
    }

    @Override
    public boolean contains(long gpa, long len) {
        return len >= 0 && gpa >= 0 && gpa + len >= gpa && covered(gpa, len);
    }

    private boolean covered(long gpa, long len) {
        long pos = gpa;
        long end = gpa + len;
        if (len == 0) {
            return find(gpa, 0) != null;
        }
        while (pos < end) {
            Mapping m = find(pos, 1);
            if (m == null) {
                return false;
            }
            pos = m.region.end();
        }
        return true;
    }

    @Override
    public void read(long gpa, byte[] dst, int off, int len) {
        access(gpa, dst, off, len, false);
    }

    @Override
    public void write(long gpa, byte[] src, int off, int len) {
        access(gpa, src, off, len, true);
    }

    private void access(long gpa, byte[] buf, int off, int len, boolean write) {
        if (off < 0 || len < 0 || off + len > buf.length || off + len < 0) {
            throw new IndexOutOfBoundsException("buffer offset " + off + ", length " + len + ", array " + buf.length);
        }
        if (!contains(gpa, len)) {
            throw outOfRange(gpa, len);
        }
        lock.readLock().lock();
        try {
            if (closed) {
                throw new GuestMemoryException("guest memory is closed (the VM was torn down)");
            }
            long pos = gpa;
            int done = 0;
            while (done < len) {
                Mapping m = find(pos, 1);
                long inRegion = pos - m.region.guestPhysBase();
                int n = (int) Math.min(len - done, m.region.size() - inRegion);
                if (write) {
                    m.host.write(inRegion, buf, off + done, n);
                } else {
                    m.host.read(inRegion, buf, off + done, n);
                }
                done += n;
                pos += n;
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private Mapping find(long gpa, long len) {
        for (Mapping m : mappings) {
            Region r = m.region;
            if (gpa >= r.guestPhysBase() && gpa < r.end() && len <= r.end() - gpa) {
                return m;
            }
        }
        return null;
    }

    private GuestMemoryException outOfRange(long gpa, long len) {
        return new GuestMemoryException("guest-physical range [0x" + Long.toHexString(gpa) + ", +" + len
                + ") is not guest RAM (RAM: " + describe() + ")");
    }

    private String describe() {
        StringBuilder sb = new StringBuilder();
        for (Mapping m : mappings) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append("0x").append(Long.toHexString(m.region.guestPhysBase())).append("-0x")
                    .append(Long.toHexString(m.region.end()));
        }
        return sb.toString();
    }

    /** Unmaps everything; idempotent. Later accesses throw {@link GuestMemoryException}. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Mapping m : mappings) {
                munmap(m);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
