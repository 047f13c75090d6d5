package io.ktstr4j.vmm.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Identity page tables for the 64-bit entry: one PML4 entry → PDPT whose first {@link Layout#IDENTITY_MAPPED_GIB}
 * entries point to page directories of 2 MiB pages. The kernel replaces them early; they only need to cover the
 * kernel, boot_params, the command line and the initramfs.
 */
public final class PageTables {
    public static final long PRESENT_RW = 0x3;
    public static final long PAGE_SIZE_2M = 0x80;

    private PageTables() {}

    /** Bytes to write at {@link Layout#PML4}: PML4 page, PDPT page, then the page directories. */
    public static byte[] identityMap() {
        int gib = Layout.IDENTITY_MAPPED_GIB;
        ByteBuffer b = ByteBuffer.allocate(4096 * (2 + gib)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, Layout.PDPT | PRESENT_RW);
        for (int g = 0; g < gib; g++) {
            b.putLong(4096 + g * 8, (Layout.PD + g * 4096L) | PRESENT_RW);
            for (int i = 0; i < 512; i++) {
                long addr = ((long) g << 30) + ((long) i << 21);
                b.putLong(8192 + g * 4096 + i * 8, addr | PRESENT_RW | PAGE_SIZE_2M);
            }
        }
        return b.array();
    }
}
