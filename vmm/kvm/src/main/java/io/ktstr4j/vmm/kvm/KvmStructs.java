package io.ktstr4j.vmm.kvm;

import io.ktstr4j.vmm.nativelib.KvmIoctls;
import io.ktstr4j.vmm.x86.CpuidEntry;
import io.ktstr4j.vmm.x86.Gdt;
import io.ktstr4j.vmm.x86.Layout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte layouts of the KVM structs the VMM passes through ioctls (x86_64 ABI), and the boot values it puts in them.
 * Pure: no ioctls here, so it is unit-tested without KVM.
 */
public final class KvmStructs {
    private KvmStructs() {}

    // the ioctl numbers encode these sizes, so their values live in the ioctl table
    public static final int REGS_SIZE = KvmIoctls.REGS_SIZE;
    public static final int SREGS_SIZE = KvmIoctls.SREGS_SIZE;
    public static final int FPU_SIZE = KvmIoctls.FPU_SIZE;
    public static final int LAPIC_SIZE = KvmIoctls.LAPIC_SIZE;
    public static final int CPUID_ENTRY_SIZE = 40;
    public static final int MSR_ENTRY_SIZE = 16;
    public static final int MEMORY_REGION_SIZE = 32;

    // struct kvm_sregs
    public static final int SREGS_CS = 0;
    public static final int SREGS_DS = 24;
    public static final int SREGS_ES = 48;
    public static final int SREGS_FS = 72;
    public static final int SREGS_GS = 96;
    public static final int SREGS_SS = 120;
    public static final int SREGS_TR = 144;
    public static final int SREGS_LDT = 168;
    public static final int SREGS_GDT = 192;
    public static final int SREGS_IDT = 208;
    public static final int SREGS_CR0 = 224;
    public static final int SREGS_CR3 = 240;
    public static final int SREGS_CR4 = 248;
    public static final int SREGS_EFER = 264;
    public static final int SREGS_APIC_BASE = 272;

    // struct kvm_regs
    public static final int REGS_RSI = 32;
    public static final int REGS_RSP = 48;
    public static final int REGS_RBP = 56;
    public static final int REGS_RIP = 128;
    public static final int REGS_RFLAGS = 136;

    public static final long CR0_PE = 1;
    public static final long CR0_ET = 1 << 4;
    public static final long CR0_NE = 1 << 5;
    public static final long CR0_PG = 1L << 31;
    public static final long CR4_PAE = 1 << 5;
    public static final long EFER_LME = 1 << 8;
    public static final long EFER_LMA = 1 << 10;

    public static final int LAPIC_LVT0 = 0x350;
    public static final int LAPIC_LVT1 = 0x360;
    public static final int APIC_MODE_NMI = 4;
    public static final int APIC_MODE_EXTINT = 7;

    // MSRs set at boot (Firecracker's list)
    public static final int MSR_IA32_TSC = 0x10;
    public static final int MSR_IA32_SYSENTER_CS = 0x174;
    public static final int MSR_IA32_SYSENTER_ESP = 0x175;
    public static final int MSR_IA32_SYSENTER_EIP = 0x176;
    public static final int MSR_IA32_MISC_ENABLE = 0x1a0;
    public static final int MSR_MTRR_DEF_TYPE = 0x2ff;
    public static final int MSR_STAR = 0xc0000081;
    public static final int MSR_LSTAR = 0xc0000082;
    public static final int MSR_CSTAR = 0xc0000083;
    public static final int MSR_SYSCALL_MASK = 0xc0000084;
    public static final int MSR_KERNEL_GS_BASE = 0xc0000102;

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void putSegment(ByteBuffer b, int off, Gdt.Segment s) {
        b.putLong(off, s.base());
        b.putInt(off + 8, s.limit());
        b.putShort(off + 12, (short) s.selector());
        b.put(off + 14, (byte) s.type());
        b.put(off + 15, (byte) s.present());
        b.put(off + 16, (byte) s.dpl());
        b.put(off + 17, (byte) s.db());
        b.put(off + 18, (byte) s.s());
        b.put(off + 19, (byte) s.l());
        b.put(off + 20, (byte) s.g());
        b.put(off + 21, (byte) s.avl());
        b.put(off + 22, (byte) 0); // usable
    }

    /** The special registers for entering the kernel in 64-bit long mode with the boot GDT and identity page tables. */
    public static byte[] bootSregs(byte[] current) {
        byte[] out = current.clone();
        ByteBuffer b = le(out);
        Gdt.Segment code = Gdt.segment(Gdt.CODE);
        Gdt.Segment data = Gdt.segment(Gdt.DATA);
        putSegment(b, SREGS_CS, code);
        for (int off : new int[] {SREGS_DS, SREGS_ES, SREGS_FS, SREGS_GS, SREGS_SS}) {
            putSegment(b, off, data);
        }
        putSegment(b, SREGS_TR, Gdt.segment(Gdt.TSS));
        b.putLong(SREGS_GDT, Layout.GDT);
        b.putShort(SREGS_GDT + 8, (short) (Gdt.ENTRIES.length * 8 - 1));
        b.putLong(SREGS_IDT, Layout.IDT);
        b.putShort(SREGS_IDT + 8, (short) 7);
        b.putLong(SREGS_CR0, CR0_PE | CR0_ET | CR0_NE | CR0_PG);
        b.putLong(SREGS_CR3, Layout.PML4);
        b.putLong(SREGS_CR4, CR4_PAE);
        b.putLong(SREGS_EFER, EFER_LME | EFER_LMA);
        return out;
    }

    /** General registers at entry: RIP = kernel entry, RSI = boot_params, a small stack, interrupts off. */
    public static byte[] bootRegs(long rip) {
        byte[] out = new byte[REGS_SIZE];
        ByteBuffer b = le(out);
        b.putLong(REGS_RFLAGS, 2); // bit 1 is reserved and always set
        b.putLong(REGS_RIP, rip);
        b.putLong(REGS_RSP, Layout.BOOT_STACK);
        b.putLong(REGS_RBP, Layout.BOOT_STACK);
        b.putLong(REGS_RSI, Layout.ZERO_PAGE);
        return out;
    }

    /** x87 control word and MXCSR at their power-on defaults. */
    public static byte[] bootFpu() {
        byte[] out = new byte[FPU_SIZE];
        ByteBuffer b = le(out);
        b.putShort(128, (short) 0x37f);
        b.putInt(408, 0x1f80);
        return out;
    }

    /** struct kvm_msrs with the boot MSRs: syscall MSRs cleared, fast strings on, MTRRs enabled with write-back default. */
    public static byte[] bootMsrs() {
        long[][] msrs = {
            {MSR_IA32_SYSENTER_CS, 0}, {MSR_IA32_SYSENTER_ESP, 0}, {MSR_IA32_SYSENTER_EIP, 0},
            {MSR_STAR, 0}, {MSR_CSTAR, 0}, {MSR_KERNEL_GS_BASE, 0}, {MSR_SYSCALL_MASK, 0}, {MSR_LSTAR, 0},
            {MSR_IA32_TSC, 0}, {MSR_IA32_MISC_ENABLE, 1}, {MSR_MTRR_DEF_TYPE, (1 << 11) | 6},
        };
        return msrs(msrs);
    }

    public static byte[] msrs(long[][] entries) {
        byte[] out = new byte[8 + entries.length * MSR_ENTRY_SIZE];
        ByteBuffer b = le(out);
        b.putInt(0, entries.length);
        for (int i = 0; i < entries.length; i++) {
            b.putInt(8 + i * MSR_ENTRY_SIZE, (int) entries[i][0]);
            b.putLong(8 + i * MSR_ENTRY_SIZE + 8, entries[i][1]);
        }
        return out;
    }

    public static int msrCount(byte[] msrs) {
        return le(msrs).getInt(0);
    }

    /** LINT0 as ExtINT (the 8259 PIC) and LINT1 as NMI, as a PC firmware leaves them. */
    public static byte[] lapicWithLints(byte[] lapic) {
        byte[] out = lapic.clone();
        ByteBuffer b = le(out);
        b.putInt(LAPIC_LVT0, (b.getInt(LAPIC_LVT0) & ~0x700) | APIC_MODE_EXTINT << 8);
        b.putInt(LAPIC_LVT1, (b.getInt(LAPIC_LVT1) & ~0x700) | APIC_MODE_NMI << 8);
        return out;
    }

    /** struct kvm_cpuid2 with room for {@code capacity} entries (for KVM_GET_SUPPORTED_CPUID). */
    public static byte[] emptyCpuid2(int capacity) {
        byte[] out = new byte[8 + capacity * CPUID_ENTRY_SIZE];
        le(out).putInt(0, capacity);
        return out;
    }

    public static byte[] cpuid2(List<CpuidEntry> entries) {
        byte[] out = emptyCpuid2(entries.size());
        ByteBuffer b = le(out);
        for (int i = 0; i < entries.size(); i++) {
            CpuidEntry e = entries.get(i);
            int o = 8 + i * CPUID_ENTRY_SIZE;
            b.putInt(o, e.function());
            b.putInt(o + 4, e.index());
            b.putInt(o + 8, e.flags());
            b.putInt(o + 12, e.eax());
            b.putInt(o + 16, e.ebx());
            b.putInt(o + 20, e.ecx());
            b.putInt(o + 24, e.edx());
        }
        return out;
    }

    public static List<CpuidEntry> parseCpuid2(byte[] raw) {
        ByteBuffer b = le(raw);
        int n = b.getInt(0);
        List<CpuidEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int o = 8 + i * CPUID_ENTRY_SIZE;
            out.add(new CpuidEntry(b.getInt(o), b.getInt(o + 4), b.getInt(o + 8), b.getInt(o + 12), b.getInt(o + 16),
                    b.getInt(o + 20), b.getInt(o + 24)));
        }
        return out;
    }

    /** struct kvm_userspace_memory_region. */
    public static byte[] memoryRegion(int slot, long gpa, long size, long hostAddr) {
        byte[] out = new byte[MEMORY_REGION_SIZE];
        ByteBuffer b = le(out);
        b.putInt(0, slot);
        b.putInt(4, 0);
        b.putLong(8, gpa);
        b.putLong(16, size);
        b.putLong(24, hostAddr);
        return out;
    }
}
