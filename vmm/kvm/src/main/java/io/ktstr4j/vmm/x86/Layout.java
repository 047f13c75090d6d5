package io.ktstr4j.vmm.x86;

/**
 * Every guest-physical address the KVM VMM uses, in one place (the Firecracker x86_64 layout, as ktstr uses it).
 * Low memory below 1 MiB holds the boot structures; the kernel loads at 1 MiB; the 3–4 GiB hole is left for MMIO.
 */
public final class Layout {
    private Layout() {}

    /** Global descriptor table (4 entries: null, code64, data, tss). */
    public static final long GDT = 0x500;
    /** An empty IDT (one zero quadword); the kernel installs its own immediately. */
    public static final long IDT = 0x520;
    /** boot_params ("zero page"); its address is passed in RSI. */
    public static final long ZERO_PAGE = 0x7000;
    /** Initial stack pointer for the boot vCPU. */
    public static final long BOOT_STACK = 0x8ff0;
    /** Identity page tables: PML4, PDPT, then one page directory of 2 MiB pages per GiB mapped. */
    public static final long PML4 = 0x9000;
    public static final long PDPT = 0xa000;
    public static final long PD = 0xb000;
    /** Number of page directories (GiB identity mapped from 0) at PD, PD+4K, … */
    public static final int IDENTITY_MAPPED_GIB = 4;
    /** Kernel command line, NUL terminated. */
    public static final long CMDLINE = 0x20000;
    public static final int CMDLINE_MAX = 4096;
    /** Extended BIOS data area start: the end of usable low RAM; the MP table lives here. */
    public static final long EBDA = 0x9fc00;
    public static final long MPTABLE = EBDA;
    /** Legacy VGA/BIOS area, reserved in E820. */
    public static final long LOW_RESERVED_START = 0xa0000;
    /** ACPI RSDP (searched by Linux in 0xE0000–0xFFFFF) and the tables after it. */
    public static final long RSDP = 0xe0000;
    public static final long ACPI_TABLES = 0xe0100;
    public static final long ACPI_TABLES_END = 0x100000;
    /** Protected-mode kernel load address (bzImage) and start of high memory. */
    public static final long HIMEM = 0x100000;
    /** Start of the 32-bit MMIO hole (PCI gap): no RAM between here and 4 GiB. */
    public static final long MMIO_GAP_START = 0xC000_0000L;
    public static final long MMIO_GAP_END = 0x1_0000_0000L;
    /** KVM needs three pages for the TSS and one for the identity map on Intel; placed just under the LAPIC/IOAPIC area. */
    public static final long KVM_IDENTITY_MAP = 0xfffb_c000L;
    public static final long KVM_TSS = 0xfffb_d000L;
    /** Local APIC and IO-APIC default MMIO bases (advertised in MP table and MADT). */
    public static final long LAPIC_BASE = 0xfee0_0000L;
    public static final long IOAPIC_BASE = 0xfec0_0000L;
    /** Offset of startup_64 inside the protected-mode kernel of a bzImage (boot protocol, 64-bit entry). */
    public static final long STARTUP64_OFFSET = 0x200;

    /** Guest-physical address of the {@code n}th byte of RAM when RAM is laid out around the MMIO gap. */
    public static long ramGpa(long ramOffset) {
        return ramOffset < MMIO_GAP_START ? ramOffset : ramOffset + (MMIO_GAP_END - MMIO_GAP_START);
    }
}
