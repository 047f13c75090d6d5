package io.ktstr4j.vmm.boot;

import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.x86.BootParams;
import io.ktstr4j.vmm.x86.CpuTopology;
import io.ktstr4j.vmm.x86.E820Map;
import io.ktstr4j.vmm.x86.Gdt;
import io.ktstr4j.vmm.x86.Layout;
import io.ktstr4j.vmm.x86.MpTable;
import io.ktstr4j.vmm.x86.PageTables;
import io.ktstr4j.vmm.x86.RamLayout;
import io.ktstr4j.vmm.x86.acpi.AcpiTables;
import java.util.Map;

/**
 * Writes a {@link BootImage} and the firmware-like tables into guest RAM following the x86 64-bit boot protocol:
 * GDT, empty IDT, identity page tables, command line, MP table, ACPI tables, kernel (bzImage at 1 MiB or ELF
 * segments at their physical addresses), the initramfs at the top of low RAM, and boot_params.
 */
public final class KernelLoader {

    /** Where the boot vCPU starts and where the initramfs went. */
    public record Loaded(long entry, long initramfsAddr, long initramfsBytes) {}

    private KernelLoader() {}

    public static Loaded load(GuestMemory mem, BootImage img, RamLayout ram, CpuTopology topo) {
        write(mem, Layout.GDT, Gdt.bytes());
        write(mem, Layout.IDT, new byte[8]);
        write(mem, Layout.PML4, PageTables.identityMap());
        byte[] cmd = img.cmdline();
        byte[] cmdz = new byte[cmd.length + 1];
        System.arraycopy(cmd, 0, cmdz, 0, cmd.length);
        write(mem, Layout.CMDLINE, cmdz);
        int ioapicId = MpTable.ioapicId(topo);
        if (MpTable.fits(topo)) {
            write(mem, Layout.MPTABLE, MpTable.bytes(topo));
        }
        for (Map.Entry<Long, byte[]> t : AcpiTables.build(topo, ram, ioapicId).entrySet()) {
            write(mem, t.getKey(), t.getValue());
        }

        long entry;
        BootParams bp;
        if (img.isElf()) {
            ElfKernel k = img.elf();
            for (ElfKernel.Segment s : k.segments()) {
                mem.write(s.paddr(), k.image(), (int) s.fileOffset(), (int) s.fileSize());
            }
            entry = k.entry();
            bp = new BootParams(null);
        } else {
            BzImage bz = img.bzImage();
            write(mem, Layout.HIMEM, bz.protectedModeKernel());
            entry = Layout.HIMEM + Layout.STARTUP64_OFFSET;
            bp = new BootParams(bz.setupHeader());
        }

        long rdAddr = 0;
        long rdLen = img.initramfs().length;
        if (rdLen > 0) {
            long lowTop = Math.min(Math.min(ram.totalBytes(), Layout.MMIO_GAP_START), ram.shmBase());
            if (img.bzImage() != null && img.bzImage().initrdAddrMax() > 0) {
                lowTop = Math.min(lowTop, img.bzImage().initrdAddrMax() + 1);
            }
            rdAddr = (lowTop - rdLen) & ~0xfffL;
            if (rdAddr < BootImage.align(img.kernelEnd(), 4096)) {
                throw new io.ktstr4j.vmm.VmConfigException("memoryMb: the initramfs (" + rdLen + " bytes) does not fit"
                        + " above the kernel in low RAM; give the VM more memory");
            }
            write(mem, rdAddr, img.initramfs());
        }
        bp.cmdline(Layout.CMDLINE, cmd.length).ramdisk(rdAddr, rdLen).acpiRsdp(Layout.RSDP).e820(E820Map.build(ram));
        write(mem, Layout.ZERO_PAGE, bp.bytes());
        return new Loaded(entry, rdAddr, rdLen);
    }

    private static void write(GuestMemory mem, long gpa, byte[] b) {
        mem.write(gpa, b, 0, b.length);
    }
}
