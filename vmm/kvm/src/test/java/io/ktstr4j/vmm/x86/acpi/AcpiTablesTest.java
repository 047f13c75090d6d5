package io.ktstr4j.vmm.x86.acpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.vmm.x86.CpuTopology;
import io.ktstr4j.vmm.x86.Layout;
import io.ktstr4j.vmm.x86.RamLayout;
import io.ktstr4j.vmm.x86.RamRegion;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AcpiTablesTest {

    /** Follows RSDP → XSDT → tables the way a guest does and returns signature → bytes. */
    static Map<String, byte[]> walk(Map<Long, byte[]> mem) {
        byte[] rsdp = mem.get(Layout.RSDP);
        assertThat(new String(rsdp, 0, 8)).isEqualTo("RSD PTR ");
        assertThat(Sdt.sum(rsdp, 0, 20)).isZero();
        assertThat(Sdt.sum(rsdp, 0, 36)).isZero();
        ByteBuffer r = ByteBuffer.wrap(rsdp).order(ByteOrder.LITTLE_ENDIAN);
        byte[] xsdt = mem.get(r.getLong(24));
        assertThat(new String(xsdt, 0, 4)).isEqualTo("XSDT");
        Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        out.put("XSDT", xsdt);
        ByteBuffer x = ByteBuffer.wrap(xsdt).order(ByteOrder.LITTLE_ENDIAN);
        for (int o = 36; o < xsdt.length; o += 8) {
            byte[] t = mem.get(x.getLong(o));
            assertThat(t).as("XSDT entry at %d points at a table", o).isNotNull();
            out.put(new String(t, 0, 4), t);
        }
        byte[] fadt = out.get("FACP");
        byte[] dsdt = mem.get(ByteBuffer.wrap(fadt).order(ByteOrder.LITTLE_ENDIAN).getLong(140));
        out.put("DSDT", dsdt);
        for (Map.Entry<String, byte[]> e : out.entrySet()) {
            byte[] t = e.getValue();
            assertThat(ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).getInt(4)).as(e.getKey() + " length").isEqualTo(t.length);
            assertThat(Sdt.sum(t, 0, t.length)).as(e.getKey() + " checksum").isZero();
        }
        return out;
    }

    @Test
    void singleNodeHasMadtButNoSratOrSlit() {
        CpuTopology t = CpuTopology.of(1, 2, 2, 1);
        Map<String, byte[]> tables = walk(AcpiTables.build(t, new RamLayout(256L << 20, 1, 16L << 20), 4));
        assertThat(tables.keySet()).containsExactly("XSDT", "FACP", "APIC", "DSDT");
        byte[] fadt = tables.get("FACP");
        assertThat(fadt).hasSize(Fadt.SIZE);
        assertThat(ByteBuffer.wrap(fadt).order(ByteOrder.LITTLE_ENDIAN).getInt(Fadt.FLAGS_OFFSET) & Fadt.HW_REDUCED_ACPI).isNotZero();
        // MADT round trip: one enabled LAPIC per vCPU with the topology's APIC IDs, then the IO-APIC
        byte[] madt = tables.get("APIC");
        List<Integer> apics = new ArrayList<>();
        int ioapics = 0;
        for (int o = 44; o < madt.length; o += madt[o + 1]) {
            if (madt[o] == Madt.TYPE_LAPIC) {
                apics.add(madt[o + 3] & 0xff);
                assertThat(madt[o + 4] & 1).isEqualTo(1);
            } else if (madt[o] == Madt.TYPE_IOAPIC) {
                ioapics++;
                assertThat(madt[o + 2]).isEqualTo((byte) 4);
            }
        }
        assertThat(apics).containsExactly(0, 1, 2, 3);
        assertThat(ioapics).isEqualTo(1);
    }

    @Test
    void numaTopologyGetsSratAndSlit() {
        CpuTopology t = new CpuTopology(2, 4, 4, 1, new int[][] {{10, 21}, {21, 10}});
        RamLayout ram = new RamLayout(1024L << 20, 2, 16L << 20);
        Map<String, byte[]> tables = walk(AcpiTables.build(t, ram, 16));
        byte[] slit = tables.get("SLIT");
        assertThat(ByteBuffer.wrap(slit).order(ByteOrder.LITTLE_ENDIAN).getLong(36)).isEqualTo(2);
        assertThat(HexFormat.of().formatHex(slit, 44, 48)).isEqualTo("0a15150a");
        byte[] srat = tables.get("SRAT");
        ByteBuffer s = ByteBuffer.wrap(srat).order(ByteOrder.LITTLE_ENDIAN);
        int[] cpuNode = new int[16];
        List<RamRegion> mem = new ArrayList<>();
        for (int o = 48; o < srat.length; o += srat[o + 1]) {
            if (srat[o] == Srat.TYPE_LAPIC_AFFINITY) {
                cpuNode[srat[o + 3]] = srat[o + 2];
            } else if (srat[o] == Srat.TYPE_MEMORY_AFFINITY) {
                mem.add(new RamRegion(s.getLong(o + 8), s.getLong(o + 16), s.getInt(o + 2)));
                assertThat(s.getInt(o + 28) & 1).isEqualTo(1);
            }
        }
        for (int cpu = 0; cpu < 16; cpu++) {
            assertThat(cpuNode[t.apicId(cpu)]).as("node of cpu %d", cpu).isEqualTo(cpu < 8 ? 0 : 1);
        }
        assertThat(mem).isEqualTo(ram.regions());
    }

    @Test
    void goldenRsdpAndDsdt() {
        // checked independently: bytes 0..19 and 0..35 each sum to 0 mod 256
        assertThat(HexFormat.of().formatHex(Rsdp.bytes(0xe0200L)))
                .isEqualTo("5253442050545220134b545354523402000000002400000000020e0000000000cc000000");
        byte[] dsdt = Dsdt.bytes();
        assertThat(dsdt).hasSize(36 + 97);
        assertThat(HexFormat.of().formatHex(dsdt, 0, 9)).isEqualTo("4453445485000000" + "02");
        int sum = 0;
        for (byte b : dsdt) {
            sum += b & 0xff;
        }
        assertThat(sum & 0xff).as("checksum").isZero();
        // The AML body, as iasl 20200925 compiles this ASL (and disassembles our bytes back to it):
        //   Scope (\_SB) { Device (COM1) { Name (_HID, EisaId ("PNP0501")) Name (_UID, Zero)
        //     Name (_CRS, ResourceTemplate () { IO (Decode16, 0x03F8, 0x03F8, 0x00, 0x08) IRQNoFlags () {4} }) }
        //   Device (COM2) { ... _UID One, IO 0x02F8, IRQNoFlags () {3} } }
        assertThat(HexFormat.of().formatHex(dsdt, 36, dsdt.length)).isEqualTo(
                "1040065f53425f5b822b434f4d31085f4849440c41d00501085f55494400085f43525311100a0d4701f803f8030008221000"
                        + "79005b822b434f4d32085f4849440c41d00501085f55494401085f43525311100a0d4701f802f8020008220800"
                        + "7900");
    }
}
