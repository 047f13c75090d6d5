package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.vmm.ArrayGuestMemory;
import io.ktstr4j.vmm.GuestMemoryException;
import io.ktstr4j.vmm.hooks.VcpuRegisters;
import java.io.IOException;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Address translation against the shipped kernel: its real image is copied into a synthetic guest RAM at the
 * physical addresses of its program headers, and the expected values come from System.map and `readelf -l`.
 */
class GuestAddressSpaceTest {

    static final long MB = 1L << 20;
    static SymbolMap syms;
    static ElfImage elf;

    @BeforeAll
    static void load() throws IOException {
        syms = SymbolMap.fromSystemMap(KernelFiles.require("System.map"));
        elf = ElfImage.open(KernelFiles.vmlinux());
    }

    private static ArrayGuestMemory unshifted;

    /**
     * The kernel image in a synthetic RAM. The unshifted one is built once and shared (building one costs ~100 ms);
     * tests that write to it only touch words no other test reads.
     */
    static synchronized ArrayGuestMemory image(long shift) {
        if (shift != 0) {
            ArrayGuestMemory mem = new ArrayGuestMemory((int) (shift + 64 * MB));
            KernelImageLoader.load(elf, mem, syms, shift);
            return mem;
        }
        if (unshifted == null) {
            unshifted = new ArrayGuestMemory((int) (64 * MB));
            KernelImageLoader.load(elf, unshifted, syms, 0);
        }
        return unshifted;
    }

    @Test
    void attachesToTheKernelImageWithDefaultLayout() {
        GuestAddressSpace as = GuestAddressSpace.attach(image(0), syms, null);
        assertThat(as.physBase()).isZero();
        // page_offset_base's link-time value (__PAGE_OFFSET_BASE_L4) and no LA57 before early boot changes them
        assertThat(as.pageOffset()).isEqualTo(0xffff888000000000L);
        assertThat(as.fiveLevel()).isFalse();
        // init_top_pgt = 0xffffffff82840000 in System.map
        assertThat(as.pgdPhys()).isEqualTo(0x2840000L);
        assertThat(as.cString(syms.require("linux_banner"), 64)).startsWith("Linux version 6.12.117");
    }

    @Test
    void findsARelocatedKernelByItsBanner() {
        GuestAddressSpace as = GuestAddressSpace.attach(image(32 * MB), syms, null);
        assertThat(as.physBase()).isEqualTo(32 * MB);
        assertThat(as.phys(syms.require("_text"))).isEqualTo(0x1000000L + 32 * MB);
        assertThat(as.cString(syms.require("linux_banner"), 14)).isEqualTo("Linux version ");
    }

    @Test
    void reportsNotReadyWhileRamHoldsNoKernel() {
        ArrayGuestMemory empty = new ArrayGuestMemory((int) (8 * MB));
        assertThatThrownBy(() -> GuestAddressSpace.attach(empty, syms, null))
                .isInstanceOf(KernelNotReadyException.class).hasMessageContaining("banner");
    }

    @Test
    void walksTheKernelsOwnEarlyPageTablesWith2MiBPages() {
        ArrayGuestMemory mem = image(0);
        long earlyTop = syms.require("early_top_pgt") - GuestAddressSpace.START_KERNEL_MAP;
        // early_top_pgt[511] -> level3_kernel_pgt[510] -> level2_kernel_pgt: 2 MiB pages mapping phys 0.. (head_64.S)
        assertThat(GuestAddressSpace.walk(mem, earlyTop, syms.require("_text"), false)).isEqualTo(0x1000000L);
        long banner = syms.require("linux_banner");
        assertThat(GuestAddressSpace.walk(mem, earlyTop, banner, false))
                .isEqualTo(banner - GuestAddressSpace.START_KERNEL_MAP);
        // the same tables used as a 5-level walk, with a synthetic PML5 whose last entry points at them
        long pml5 = 60 * MB; // above the image's end (_end is at phys ~50 MiB)
        mem.writeU64(pml5 + 511 * 8, earlyTop | 0x63);
        assertThat(GuestAddressSpace.walk(mem, pml5, banner, true))
                .isEqualTo(banner - GuestAddressSpace.START_KERNEL_MAP);
    }

    @Test
    void walksSynthetic4KiBAnd1GiBPagesAndRejectsBadEntries() {
        ArrayGuestMemory mem = new ArrayGuestMemory((int) (4 * MB));
        long pgd = 0x1000, pud = 0x2000, pmd = 0x3000, pt = 0x4000;
        long va = 0xffffc90000123456L; // a vmalloc address
        mem.writeU64(pgd + ((va >>> 39) & 511) * 8, pud | 0x63);
        mem.writeU64(pud + ((va >>> 30) & 511) * 8, pmd | 0x63);
        mem.writeU64(pmd + ((va >>> 21) & 511) * 8, pt | 0x63);
        mem.writeU64(pt + ((va >>> 12) & 511) * 8, 0x200000L | 0x8000000000000063L); // NX bit set
        assertThat(GuestAddressSpace.walk(mem, pgd, va, false)).isEqualTo(0x200456L);

        long va1g = 0xffffc98040000000L + 0x1234;
        mem.writeU64(pgd + ((va1g >>> 39) & 511) * 8, pud | 0x63);
        mem.writeU64(pud + ((va1g >>> 30) & 511) * 8, 0x40000000L | 0xe3); // PS: 1 GiB page
        assertThat(GuestAddressSpace.walk(mem, pgd, va1g, false)).isEqualTo(0x40001234L);

        assertThatThrownBy(() -> GuestAddressSpace.walk(mem, pgd, 0xffffc90000000000L + (1L << 21), false))
                .isInstanceOf(GuestMemoryException.class).hasMessageContaining("not present");
        assertThatThrownBy(() -> GuestAddressSpace.walk(mem, pgd, 0x0000900000000000L, false))
                .hasMessageContaining("canonical");
        long evil = 0xffffca0000000000L;
        mem.writeU64(pgd + ((evil >>> 39) & 511) * 8, 0x7fff0000000L | 0x63); // table far outside RAM
        assertThatThrownBy(() -> GuestAddressSpace.walk(mem, pgd, evil, false)).hasMessageContaining("outside");
    }

    @Test
    void perCpuVariablesFollowPerCpuOffset() {
        ArrayGuestMemory mem = image(0);
        GuestAddressSpace as = GuestAddressSpace.attach(mem, syms, null);
        long runqueues = syms.require("runqueues");
        // Before setup_per_cpu_areas every slot holds BOOT_PERCPU_OFFSET = __per_cpu_load (kernel image).
        assertThat(as.perCpu(runqueues, 0)).isEqualTo(syms.require("__per_cpu_load") + runqueues);
        assertThat(as.phys(as.perCpu(runqueues, 0))).isEqualTo(0x2e01000L + runqueues); // PT_LOAD #2 paddr
        // After it: a direct-map chunk per CPU.
        long chunk1 = 0xffff888000000000L + 56 * MB;
        mem.writeU64(syms.require("__per_cpu_offset") - GuestAddressSpace.START_KERNEL_MAP + 8, chunk1);
        assertThat(as.phys(as.perCpu(runqueues, 1))).isEqualTo(56 * MB + runqueues);
    }

    @Test
    void usesVcpuCr3WithoutPcidAndPtiBits() {
        long earlyTop = syms.require("early_top_pgt") - GuestAddressSpace.START_KERNEL_MAP;
        VcpuRegisters regs = new VcpuRegisters() {
            @Override
            public OptionalLong cr3(int vcpu) {
                return OptionalLong.of(earlyTop | (1L << 12) | 0x5);
            }

            @Override
            public OptionalLong cr4(int vcpu) {
                return OptionalLong.of(0);
            }
        };
        GuestAddressSpace as = GuestAddressSpace.attach(image(0), syms, regs);
        assertThat(as.pgdPhys()).isEqualTo(earlyTop);
        assertThat(as.fiveLevel()).isFalse();
    }
}
