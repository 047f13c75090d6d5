package io.ktstr4j.vmm.x86.acpi;

import io.ktstr4j.vmm.x86.CpuTopology;
import io.ktstr4j.vmm.x86.Layout;
import io.ktstr4j.vmm.x86.RamLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays out every ACPI table in the BIOS area: RSDP at {@link Layout#RSDP}, then DSDT, FADT, MADT, SRAT, SLIT and
 * XSDT from {@link Layout#ACPI_TABLES}, each 16-byte aligned. SRAT and SLIT are only written for more than one node.
 */
public final class AcpiTables {
    private AcpiTables() {}

    /** Guest-physical address → table bytes, in write order. */
    public static Map<Long, byte[]> build(CpuTopology topo, RamLayout ram, int ioapicId) {
        Map<Long, byte[]> out = new LinkedHashMap<>();
        long[] next = {Layout.ACPI_TABLES};
        List<Long> xsdtEntries = new ArrayList<>();
        long dsdt = place(out, next, Dsdt.bytes());
        xsdtEntries.add(place(out, next, Fadt.bytes(dsdt)));
        xsdtEntries.add(place(out, next, Madt.bytes(topo, ioapicId)));
        if (topo.numaNodes() > 1) {
            xsdtEntries.add(place(out, next, Srat.bytes(topo, ram.regions())));
            xsdtEntries.add(place(out, next, Slit.bytes(topo.distances())));
        }
        long xsdt = place(out, next, Xsdt.bytes(xsdtEntries));
        out.put(Layout.RSDP, Rsdp.bytes(xsdt));
        return out;
    }

    private static long place(Map<Long, byte[]> out, long[] next, byte[] table) {
        long at = next[0];
        if (at + table.length > Layout.ACPI_TABLES_END) {
            throw new IllegalArgumentException("ACPI tables do not fit below 1 MiB (" + table.length + " bytes at 0x"
                    + Long.toHexString(at) + "); too many vCPUs for the BIOS area");
        }
        out.put(at, table);
        next[0] = (at + table.length + 15) & ~15L;
        return at;
    }
}
