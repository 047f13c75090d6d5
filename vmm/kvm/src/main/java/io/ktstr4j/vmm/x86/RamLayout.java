package io.ktstr4j.vmm.x86;

import java.util.ArrayList;
import java.util.List;

/**
 * Where guest RAM goes: {@code totalBytes} split evenly (2 MiB aligned) across NUMA nodes in address order, laid out
 * around the 3–4 GiB MMIO gap; the SHM ring is the last {@code shmBytes} of RAM (hidden from E820).
 */
public final class RamLayout {
    public static final long ALIGN = 2L << 20;

    private final long totalBytes;
    private final long shmBytes;
    private final List<RamRegion> regions;

    public RamLayout(long totalBytes, int nodes, long shmBytes) {
        if (totalBytes <= 0 || totalBytes % ALIGN != 0) {
            throw new IllegalArgumentException("memory must be a positive multiple of 2 MiB, got " + totalBytes);
        }
        if (shmBytes < 0 || shmBytes % 4096 != 0 || shmBytes >= totalBytes / 2) {
            throw new IllegalArgumentException("shm size must be page aligned and under half of RAM, got " + shmBytes);
        }
        long perNode = totalBytes / nodes / ALIGN * ALIGN;
        if (perNode < 16L << 20) {
            throw new IllegalArgumentException("memory " + (totalBytes >> 20) + " MiB is too small for " + nodes
                    + " NUMA nodes (need at least 16 MiB per node)");
        }
        this.totalBytes = totalBytes;
        this.shmBytes = shmBytes;
        List<RamRegion> r = new ArrayList<>();
        long off = 0;
        for (int n = 0; n < nodes; n++) {
            long size = n == nodes - 1 ? totalBytes - off : perNode;
            long start = off;
            long end = off + size;
            // split a node's range where it crosses the MMIO gap
            if (start < Layout.MMIO_GAP_START && end > Layout.MMIO_GAP_START) {
                r.add(new RamRegion(start, Layout.MMIO_GAP_START - start, n));
                r.add(new RamRegion(Layout.MMIO_GAP_END, end - Layout.MMIO_GAP_START, n));
            } else {
                r.add(new RamRegion(Layout.ramGpa(start), size, n));
            }
            off = end;
        }
        regions = List.copyOf(r);
    }

    public long totalBytes() {
        return totalBytes;
    }

    public List<RamRegion> regions() {
        return regions;
    }

    public long shmBytes() {
        return shmBytes;
    }

    /** Guest-physical base of the SHM ring (last bytes of the last region). */
    public long shmBase() {
        RamRegion last = regions.get(regions.size() - 1);
        return last.end() - shmBytes;
    }

    /** One past the highest RAM address. */
    public long end() {
        return regions.get(regions.size() - 1).end();
    }

    /** The region containing [gpa, gpa+len), or null. */
    public RamRegion regionOf(long gpa, long len) {
        for (RamRegion r : regions) {
            // lengths compared, not gpa + len: a huge len (read from the guest) would overflow past the check
            if (gpa >= r.gpa() && gpa < r.end() && len >= 0 && len <= r.end() - gpa) {
                return r;
            }
        }
        return null;
    }
}
