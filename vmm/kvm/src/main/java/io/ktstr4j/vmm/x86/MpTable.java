package io.ktstr4j.vmm.x86;

import java.io.ByteArrayOutputStream;

/**
 * Intel MultiProcessor Specification 1.4 tables at {@link Layout#MPTABLE}: floating pointer, configuration table header,
 * one processor entry per vCPU, an ISA bus, the IO-APIC, identity-mapped IO interrupts and LINT0/LINT1. Linux prefers
 * ACPI's MADT; the MP table is the fallback (acpi=off) and can only name 8-bit APIC IDs.
 */
public final class MpTable {
    public static final int APIC_VERSION = 0x14;
    public static final int IOAPIC_VERSION = 0x11;
    public static final int IO_INTERRUPTS = 24;
    public static final int FLOATING_POINTER_SIZE = 16;
    public static final int HEADER_SIZE = 44;

    private MpTable() {}

    /** True when every APIC ID fits the MP table's 8-bit field (255 is broadcast). */
    public static boolean fits(CpuTopology topo) {
        return topo.maxApicId() < 255 && topo.maxApicId() + 1 < 255;
    }

    public static int ioapicId(CpuTopology topo) {
        return (topo.maxApicId() + 1) & 0xff;
    }

    public static byte[] bytes(CpuTopology topo) {
        if (!fits(topo)) {
            throw new IllegalArgumentException("MP table cannot describe APIC IDs above 254 (max " + topo.maxApicId() + ")");
        }
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        for (int cpu = 0; cpu < topo.cpus(); cpu++) {
            entries.write(0); // processor
            entries.write(topo.apicId(cpu));
            entries.write(APIC_VERSION);
            entries.write(cpu == 0 ? 0x3 : 0x1); // enabled, BSP
            writeU32(entries, 0x600); // cpu signature: family 6
            writeU32(entries, 0x201); // FPU, APIC
            writeU32(entries, 0);
            writeU32(entries, 0);
        }
        entries.write(1); // bus
        entries.write(0);
        entries.writeBytes("ISA   ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        int ioapic = ioapicId(topo);
        entries.write(2); // IO-APIC
        entries.write(ioapic);
        entries.write(IOAPIC_VERSION);
        entries.write(1);
        writeU32(entries, Layout.IOAPIC_BASE);
        for (int irq = 0; irq < IO_INTERRUPTS; irq++) {
            entries.write(3); // IO interrupt
            entries.write(0); // INT
            writeU16(entries, 0); // conforming polarity/trigger
            entries.write(0); // bus 0
            entries.write(irq);
            entries.write(ioapic);
            entries.write(irq);
        }
        int[][] lints = {{3, 0}, {1, 1}}; // ExtINT → LINT0, NMI → LINT1
        for (int[] l : lints) {
            entries.write(4);
            entries.write(l[0]);
            writeU16(entries, 0);
            entries.write(0);
            entries.write(0);
            entries.write(0xff); // all local APICs
            entries.write(l[1]);
        }
        byte[] e = entries.toByteArray();
        int count = topo.cpus() + 1 + 1 + IO_INTERRUPTS + 2;
        byte[] t = new byte[FLOATING_POINTER_SIZE + HEADER_SIZE + e.length];
        // floating pointer
        ascii(t, 0, "_MP_");
        putU32(t, 4, Layout.MPTABLE + FLOATING_POINTER_SIZE);
        t[8] = 1; // length in paragraphs
        t[9] = 4; // spec revision 1.4
        t[10] = checksum(t, 0, FLOATING_POINTER_SIZE);
        // configuration table header
        int h = FLOATING_POINTER_SIZE;
        ascii(t, h, "PCMP");
        putU16(t, h + 4, HEADER_SIZE + e.length);
        t[h + 6] = 4;
        ascii(t, h + 8, "KTSTR4J ");
        ascii(t, h + 16, "KVM-VMM     ");
        putU16(t, h + 34, count);
        putU32(t, h + 36, Layout.LAPIC_BASE);
        System.arraycopy(e, 0, t, h + HEADER_SIZE, e.length);
        t[h + 7] = checksum(t, h, HEADER_SIZE + e.length);
        return t;
    }

    private static void ascii(byte[] t, int off, String s) {
        byte[] a = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(a, 0, t, off, a.length);
    }

    private static void putU16(byte[] t, int off, int v) {
        t[off] = (byte) v;
        t[off + 1] = (byte) (v >>> 8);
    }

    private static void putU32(byte[] t, int off, long v) {
        putU16(t, off, (int) v);
        putU16(t, off + 2, (int) (v >>> 16));
    }

    private static void writeU16(ByteArrayOutputStream o, int v) {
        o.write(v);
        o.write(v >>> 8);
    }

    private static void writeU32(ByteArrayOutputStream o, long v) {
        writeU16(o, (int) v);
        writeU16(o, (int) (v >>> 16));
    }

    private static byte checksum(byte[] t, int off, int len) {
        int s = 0;
        for (int i = off; i < off + len; i++) {
            s += t[i];
        }
        return (byte) -s;
    }
}
