package io.ktstr4j.vmm.x86.acpi;

import io.ktstr4j.vmm.x86.CpuTopology;
import io.ktstr4j.vmm.x86.RamRegion;
import java.util.List;

/** System Resource Affinity Table: which NUMA node (proximity domain) each vCPU and each RAM region belongs to. */
public final class Srat {
    public static final int TYPE_LAPIC_AFFINITY = 0;
    public static final int TYPE_MEMORY_AFFINITY = 1;
    public static final int TYPE_X2APIC_AFFINITY = 2;

    private Srat() {}

    public static byte[] bytes(CpuTopology topo, List<RamRegion> regions) {
        Sdt t = new Sdt("SRAT", 3);
        t.u32(1).u64(0); // table revision (reserved, must be 1), reserved
        for (int cpu = 0; cpu < topo.cpus(); cpu++) {
            int apic = topo.apicId(cpu);
            int node = topo.nodeOf(cpu);
            if (apic < 255) {
                t.u8(TYPE_LAPIC_AFFINITY).u8(16).u8(node).u8(apic).u32(1).u8(0).u8(node >>> 8).u8(node >>> 16)
                        .u8(node >>> 24).u32(0);
            } else {
                t.u8(TYPE_X2APIC_AFFINITY).u8(24).u16(0).u32(node).u32(apic).u32(1).u32(0).u32(0);
            }
        }
        for (RamRegion r : regions) {
            t.u8(TYPE_MEMORY_AFFINITY).u8(40).u32(r.node()).u16(0).u64(r.gpa()).u64(r.size()).u32(0).u32(1).u64(0);
        }
        return t.bytes();
    }
}
