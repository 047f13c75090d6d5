package io.ktstr4j.vmm.x86.acpi;

import io.ktstr4j.vmm.x86.CpuTopology;
import io.ktstr4j.vmm.x86.Layout;

/**
 * Multiple APIC Description Table: one Local APIC entry per vCPU (x2APIC entries for APIC IDs above 254), the
 * IO-APIC, and LINT1 as NMI for all processors.
 */
public final class Madt {
    public static final int TYPE_LAPIC = 0;
    public static final int TYPE_IOAPIC = 1;
    public static final int TYPE_LAPIC_NMI = 4;
    public static final int TYPE_X2APIC = 9;
    public static final int TYPE_X2APIC_NMI = 0xa;

    private Madt() {}

    public static byte[] bytes(CpuTopology topo, int ioapicId) {
        Sdt t = new Sdt("APIC", 5);
        t.u32(Layout.LAPIC_BASE);
        t.u32(1); // PCAT_COMPAT: dual 8259s are present (KVM's in-kernel PIC)
        boolean x2 = false;
        for (int cpu = 0; cpu < topo.cpus(); cpu++) {
            int apic = topo.apicId(cpu);
            if (apic < 255) {
                t.u8(TYPE_LAPIC).u8(8).u8(cpu).u8(apic).u32(1);
            } else {
                x2 = true;
                t.u8(TYPE_X2APIC).u8(16).u16(0).u32(apic).u32(1).u32(cpu);
            }
        }
        t.u8(TYPE_IOAPIC).u8(12).u8(ioapicId).u8(0).u32(Layout.IOAPIC_BASE).u32(0);
        t.u8(TYPE_LAPIC_NMI).u8(6).u8(0xff).u16(0).u8(1);
        if (x2) {
            t.u8(TYPE_X2APIC_NMI).u8(12).u16(0).u32(0xffffffffL).u8(1).zeros(3);
        }
        return t.bytes();
    }
}
