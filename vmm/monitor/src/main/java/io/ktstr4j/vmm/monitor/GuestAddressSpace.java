package io.ktstr4j.vmm.monitor;

import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.GuestMemoryException;
import io.ktstr4j.vmm.hooks.VcpuRegisters;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Translates guest kernel virtual addresses to guest-physical ones and reads through them.
 *
 * <ul>
 *   <li>kernel image ({@code __START_KERNEL_map}..{@code _end}): {@code va - __START_KERNEL_map + phys_base};</li>
 *   <li>direct map ({@code page_offset_base}, read from the guest, so memory KASLR is honoured): {@code va - PAGE_OFFSET};</li>
 *   <li>anything else (vmalloc, per-CPU chunks, BPF JIT): a 4- or 5-level page-table walk with 1 GiB/2 MiB/4 KiB pages
 *       from a vCPU's CR3 when {@link VcpuRegisters} are available, else from the kernel's {@code init_top_pgt}.</li>
 * </ul>
 * Per-CPU variables are {@code __per_cpu_offset[cpu] + &symbol}. Guest memory is untrusted: every read is bounded and a
 * bad address raises {@link GuestAddressException} (a {@link GuestMemoryException}), never a hang.
 */
public final class GuestAddressSpace {

    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    public static final long PAGE_OFFSET_L4 = 0xffff888000000000L;
    public static final long PAGE_OFFSET_L5 = 0xff11000000000000L;
    /** KERNEL_IMAGE_SIZE with CONFIG_RANDOMIZE_BASE; only used when {@code _end} is unknown. */
    static final long KERNEL_IMAGE_SIZE = 1L << 30;
    static final long PHYSICAL_ALIGN = 2L << 20;
    static final long PTE_ADDR = 0x000ffffffffff000L;
    static final long PTE_PRESENT = 1, PTE_PS = 1L << 7;
    static final long PAGE = 4096;

    private final GuestMemory mem;
    private final long physBase;
    private final long pageOffset;
    private final long textEnd;
    private final boolean fiveLevel;
    private final long pgd;
    private final long perCpuOffsetArray;
    private final long directEnd;

    GuestAddressSpace(GuestMemory mem, long physBase, long pageOffset, long textEnd, boolean fiveLevel, long pgdPhys,
                      long perCpuOffsetArray, long directEnd) {
        this.mem = mem;
        this.physBase = physBase;
        this.pageOffset = pageOffset;
        this.textEnd = textEnd;
        this.fiveLevel = fiveLevel;
        this.pgd = pgdPhys;
        this.perCpuOffsetArray = perCpuOffsetArray;
        // Without a known end, the direct map spans MAX_PHYSMEM_BITS.
        this.directEnd = directEnd != 0 ? directEnd : pageOffset + (1L << (fiveLevel ? 52 : 46));
    }

    /**
     * Finds the running kernel in guest RAM: {@code phys_base} (checked against {@code linux_banner}),
     * {@code page_offset_base}, the paging depth and the page-table root.
     *
     * @param regs vCPU registers when the backend has them, else null (the kernel's {@code init_top_pgt} is used)
     * @throws KernelNotReadyException when the kernel image is not (yet) in memory
     */
    public static GuestAddressSpace attach(GuestMemory mem, SymbolMap syms, VcpuRegisters regs) {
        long physBase = findPhysBase(mem, syms);
        long textEnd = syms.address("_end").orElse(START_KERNEL_MAP + KERNEL_IMAGE_SIZE);
        GuestAddressSpace text = new GuestAddressSpace(mem, physBase, PAGE_OFFSET_L4, textEnd, false, -1, 0, 0);

        OptionalLong cr4 = regs == null ? OptionalLong.empty() : regs.cr4(0);
        boolean five;
        if (cr4.isPresent()) {
            five = (cr4.getAsLong() & (1L << 12)) != 0;
        } else if (syms.has("__pgtable_l5_enabled")) {
            five = (text.u32(syms.require("__pgtable_l5_enabled")) & 0xffffffffL) == 1;
        } else {
            five = false;
        }
        long pageOffset = five ? PAGE_OFFSET_L5 : PAGE_OFFSET_L4;
        if (syms.has("page_offset_base")) {
            long v = text.u64(syms.require("page_offset_base"));
            // A plausible direct-map base is a kernel-half address aligned to 1 GiB (PUD); else keep the default.
            if (v < 0 && (v & ((1L << 30) - 1)) == 0 && v != START_KERNEL_MAP) {
                pageOffset = v;
            }
        }
        long directEnd = 0;
        if (syms.has("vmalloc_base")) {
            // With memory KASLR the vmalloc area may follow the direct map closely: it bounds the direct map.
            long v = text.u64(syms.require("vmalloc_base"));
            if (Long.compareUnsigned(v, pageOffset) > 0 && Long.compareUnsigned(v, START_KERNEL_MAP) < 0) {
                directEnd = v;
            }
        }
        OptionalLong cr3 = regs == null ? OptionalLong.empty() : regs.cr3(0);
        long pgd;
        if (cr3.isPresent()) {
            // Drop PCID (bits 0-11) and the PTI user-half bit (12): kernel PGDs are 8 KiB aligned.
            pgd = cr3.getAsLong() & PTE_ADDR & ~(1L << 12);
        } else {
            pgd = syms.address("init_top_pgt").orElse(syms.address("swapper_pg_dir").orElse(0));
            pgd = pgd == 0 ? -1 : text.textPhys(pgd);
        }
        long pcpu = syms.address("__per_cpu_offset").orElse(0);
        return new GuestAddressSpace(mem, physBase, pageOffset, textEnd, five, pgd, pcpu, directEnd);
    }

    /** Tries phys_base = 0 (the usual case), then every PHYSICAL_ALIGN step in guest RAM. */
    static long findPhysBase(GuestMemory mem, SymbolMap syms) {
        long physBaseSym = syms.require("phys_base");
        OptionalLong banner = syms.address("linux_banner");
        if (candidateMatches(mem, 0, physBaseSym, banner)) {
            return 0;
        }
        long limit = Math.min(mem.size(), 64L << 30);
        for (long p = PHYSICAL_ALIGN; p < limit; p += PHYSICAL_ALIGN) {
            if (candidateMatches(mem, p, physBaseSym, banner)) {
                return p;
            }
        }
        throw new KernelNotReadyException("kernel image not found in guest RAM (no 'Linux version' banner at any "
                + "phys_base): the guest is still booting, or System.map/vmlinux does not match the booted kernel");
    }

    private static boolean candidateMatches(GuestMemory mem, long p, long physBaseSym, OptionalLong banner) {
        long at = physBaseSym - START_KERNEL_MAP + p;
        if (!mem.contains(at, 8) || mem.readU64(at) != p) {
            return false;
        }
        if (banner.isEmpty()) {
            return true;
        }
        long b = banner.getAsLong() - START_KERNEL_MAP + p;
        byte[] head = new byte[14];
        if (!mem.contains(b, head.length)) {
            return false;
        }
        mem.read(b, head, 0, head.length);
        return new String(head, StandardCharsets.ISO_8859_1).equals("Linux version ");
    }

    public long physBase() {
        return physBase;
    }

    public long pageOffset() {
        return pageOffset;
    }

    public boolean fiveLevel() {
        return fiveLevel;
    }

    /** Physical address of the page-table root in use, or -1 when none is known. */
    public long pgdPhys() {
        return pgd;
    }

    public GuestMemory memory() {
        return mem;
    }

    private long textPhys(long va) {
        return va - START_KERNEL_MAP + physBase;
    }

    private boolean inText(long va) {
        return Long.compareUnsigned(va, START_KERNEL_MAP) >= 0 && Long.compareUnsigned(va, textEnd) < 0;
    }

    private boolean inDirectMap(long va) {
        return Long.compareUnsigned(va, pageOffset) >= 0 && Long.compareUnsigned(va, directEnd) < 0;
    }

    /** Guest-physical address of kernel virtual address {@code va}. */
    public long phys(long va) {
        if (inText(va)) {
            return textPhys(va);
        }
        if (inDirectMap(va)) {
            return va - pageOffset;
        }
        if (pgd < 0) {
            throw new GuestAddressException(String.format("0x%x is neither kernel text nor direct map, and no "
                    + "page-table root is known (no init_top_pgt symbol, no CR3)", va));
        }
        return walk(mem, pgd, va, fiveLevel);
    }

    /** A page-table walk from the root at {@code pgdPhys}; at most 5 reads, each bounds-checked. */
    public static long walk(GuestMemory mem, long pgdPhys, long va, boolean fiveLevel) {
        long table = pgdPhys;
        int levels = fiveLevel ? 5 : 4;
        // Non-canonical addresses are rejected: the upper bits must copy bit 47 (or 56).
        int vaBits = fiveLevel ? 57 : 48;
        long upper = va >> (vaBits - 1);
        if (upper != 0 && upper != -1) {
            throw new GuestAddressException(String.format("0x%x is not a canonical %d-level address", va, levels));
        }
        for (int level = levels; level >= 1; level--) {
            int shift = 12 + 9 * (level - 1);
            long idx = (va >>> shift) & 511;
            long slot = table + idx * 8;
            if (!mem.contains(slot, 8)) {
                throw new GuestAddressException(String.format("page walk for 0x%x: level-%d table entry at 0x%x is "
                        + "outside guest RAM", va, level, slot));
            }
            long e = mem.readU64(slot);
            if ((e & PTE_PRESENT) == 0) {
                throw new GuestAddressException(String.format("0x%x is not mapped (level-%d entry not present)",
                        va, level));
            }
            if ((level == 3 || level == 2) && (e & PTE_PS) != 0) {
                long pageMask = (1L << shift) - 1;
                return (e & PTE_ADDR & ~pageMask) | (va & pageMask);
            }
            table = e & PTE_ADDR;
            if (level == 1) {
                return table | (va & (PAGE - 1));
            }
        }
        throw new AssertionError("unreachable");
    }

    /** Copies {@code len} bytes at {@code va}; page walks are done per 4 KiB page. */
    public void read(long va, byte[] dst, int off, int len) {
        if (len <= 0) {
            return;
        }
        if ((inText(va) && inText(va + len - 1)) || (inDirectMap(va) && inDirectMap(va + len - 1))) {
            long p = phys(va);
            checkRam(va, p, len);
            mem.read(p, dst, off, len);
            return;
        }
        int done = 0;
        while (done < len) {
            long cur = va + done;
            int chunk = (int) Math.min(len - done, PAGE - (cur & (PAGE - 1)));
            long p = phys(cur);
            checkRam(cur, p, chunk);
            mem.read(p, dst, off + done, chunk);
            done += chunk;
        }
    }

    private void checkRam(long va, long p, int len) {
        if (!mem.contains(p, len)) {
            throw new GuestAddressException(String.format("0x%x translates to 0x%x, outside guest RAM (%d bytes)",
                    va, p, len));
        }
    }

    public long u64(long va) {
        byte[] b = new byte[8];
        read(va, b, 0, 8);
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    public int u32(long va) {
        byte[] b = new byte[4];
        read(va, b, 0, 4);
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /** A NUL-terminated string of at most {@code max} bytes at {@code va}. */
    public String cString(long va, int max) {
        byte[] b = new byte[max];
        int n = 0;
        // Read in small pieces so a string near the end of a mapping does not fault the whole read.
        while (n < max) {
            int chunk = (int) Math.min(max - n, PAGE - ((va + n) & (PAGE - 1)));
            read(va + n, b, n, chunk);
            for (int i = n; i < n + chunk; i++) {
                if (b[i] == 0) {
                    return new String(b, 0, i, StandardCharsets.UTF_8);
                }
            }
            n += chunk;
        }
        return new String(b, 0, max, StandardCharsets.UTF_8);
    }

    /** {@code __per_cpu_offset[cpu]}. */
    public long perCpuOffset(int cpu) {
        if (perCpuOffsetArray == 0) {
            throw new GuestAddressException("no __per_cpu_offset symbol: per-CPU variables cannot be located");
        }
        return u64(perCpuOffsetArray + 8L * cpu);
    }

    /** Virtual address of per-CPU variable {@code symbolOffset} (e.g. {@code &runqueues}) on {@code cpu}. */
    public long perCpu(long symbolOffset, int cpu) {
        return perCpuOffset(cpu) + symbolOffset;
    }
}
