package io.ktstr4j.vmm.x86;

import java.util.ArrayList;
import java.util.List;

/** The guest's BIOS memory map, written into boot_params. The SHM ring and the MMIO gap are not RAM to the guest. */
public final class E820Map {
    public static final int RAM = 1;
    public static final int RESERVED = 2;
    public static final int MAX_ENTRIES = 128;

    public record Entry(long addr, long size, int type) {}

    private E820Map() {}

    /**
     * Low RAM up to the EBDA, reserved BIOS area 0x9fc00-0x100000 (MP table, ACPI), then RAM regions from 1 MiB with the
     * SHM region cut off the top (absent from the
     * map, so the guest never uses it as RAM; the agent maps it through /dev/mem).
     */
    public static List<Entry> build(RamLayout ram) {
        List<Entry> e = new ArrayList<>();
        e.add(new Entry(0, Layout.EBDA, RAM));
        e.add(new Entry(Layout.EBDA, Layout.HIMEM - Layout.EBDA, RESERVED));
        long shmBase = ram.shmBase();
        List<RamRegion> regions = ram.regions();
        long prevEnd = -1;
        for (RamRegion r : regions) {
            long start = Math.max(r.gpa(), Layout.HIMEM);
            long end = r.end();
            if (ram.shmBytes() > 0 && shmBase >= start && shmBase < end) {
                end = shmBase;
            }
            if (end <= start) {
                continue;
            }
            // adjacent node regions merge into one entry, as a real BIOS reports them
            if (!e.isEmpty() && prevEnd == start && e.get(e.size() - 1).type() == RAM) {
                Entry last = e.remove(e.size() - 1);
                e.add(new Entry(last.addr(), end - last.addr(), RAM));
            } else {
                e.add(new Entry(start, end - start, RAM));
            }
            prevEnd = end;
        }
        return e;
    }
}
