package io.ktstr4j.vmm.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutStructuresTest {

    @Test
    void gdtMatchesTheKnownLongModeDescriptors() {
        assertThat(Gdt.ENTRIES[Gdt.CODE]).isEqualTo(0x00af9b000000ffffL);
        assertThat(Gdt.ENTRIES[Gdt.DATA]).isEqualTo(0x00cf93000000ffffL);
        assertThat(Gdt.ENTRIES[Gdt.TSS]).isEqualTo(0x008f8b000000ffffL);
        Gdt.Segment cs = Gdt.segment(Gdt.CODE);
        assertThat(cs.selector()).isEqualTo(8);
        assertThat(cs.l()).isEqualTo(1);
        assertThat(cs.db()).isZero();
        assertThat(cs.type()).isEqualTo(0xb);
        assertThat(cs.limit()).isEqualTo(0xffffffff);
        assertThat(cs.present()).isEqualTo(1);
        assertThat(cs.s()).isEqualTo(1);
        Gdt.Segment tss = Gdt.segment(Gdt.TSS);
        assertThat(tss.s()).isZero();
        assertThat(tss.selector()).isEqualTo(0x18);
        assertThat(Gdt.bytes()).hasSize(32);
    }

    @Test
    void identityPageTablesMapTheFirstGibibytesWithLargePages() {
        ByteBuffer b = ByteBuffer.wrap(PageTables.identityMap()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getLong(0)).isEqualTo(Layout.PDPT | 3);
        assertThat(b.getLong(4096)).isEqualTo(Layout.PD | 3);
        assertThat(b.getLong(4096 + 8)).isEqualTo(Layout.PD + 4096 | 3);
        assertThat(b.getLong(8192)).isEqualTo(0x83);
        assertThat(b.getLong(8192 + 8)).isEqualTo(0x200000 | 0x83);
        // last 2 MiB page of the last mapped GiB
        int last = 8192 + (Layout.IDENTITY_MAPPED_GIB - 1) * 4096 + 511 * 8;
        assertThat(b.getLong(last)).isEqualTo(((long) Layout.IDENTITY_MAPPED_GIB << 30) - (2 << 20) | 0x83);
        assertThat(Layout.PD + Layout.IDENTITY_MAPPED_GIB * 4096L).isLessThanOrEqualTo(Layout.CMDLINE);
    }

    @Test
    void regionOfRefusesARangeWhoseEndOverflows() {
        RamLayout l = new RamLayout(256L << 20, 1, 16L << 20);
        RamRegion first = l.regions().get(0);
        assertThat(l.regionOf(first.gpa(), 4096)).isEqualTo(first);
        // gpa + len wraps to a negative end, which the old check took for "inside RAM"
        assertThat(l.regionOf(first.gpa() + 4096, Long.MAX_VALUE)).isNull();
        assertThat(l.regionOf(first.end() - 1, 2)).isNull();
        assertThat(l.regionOf(first.gpa(), -1)).isNull();
    }

    @Test
    void ramLayoutSplitsNodesAndSkipsTheMmioGap() {
        RamLayout small = new RamLayout(256L << 20, 1, 16L << 20);
        assertThat(small.regions()).containsExactly(new RamRegion(0, 256L << 20, 0));
        assertThat(small.shmBase()).isEqualTo(240L << 20);

        RamLayout big = new RamLayout(4096L << 20, 2, 16L << 20);
        assertThat(big.regions()).containsExactly(
                new RamRegion(0, 2048L << 20, 0),
                new RamRegion(2048L << 20, 1024L << 20, 1),
                new RamRegion(Layout.MMIO_GAP_END, 1024L << 20, 1));
        assertThat(big.shmBase()).isEqualTo(Layout.MMIO_GAP_END + (1008L << 20));
        assertThat(big.end()).isEqualTo(Layout.MMIO_GAP_END + (1024L << 20));
        assertThatThrownBy(() -> new RamLayout(20L << 20, 2, 0)).hasMessageContaining("too small for 2 NUMA nodes");
    }

    @Test
    void e820HidesTheShmRegionAndTheGap() {
        List<E820Map.Entry> e = E820Map.build(new RamLayout(256L << 20, 1, 16L << 20));
        assertThat(e).containsExactly(
                new E820Map.Entry(0, 0x9fc00, E820Map.RAM),
                new E820Map.Entry(0x9fc00, 0x100000 - 0x9fc00, E820Map.RESERVED),
                new E820Map.Entry(0x100000, (240L << 20) - 0x100000, E820Map.RAM));

        List<E820Map.Entry> big = E820Map.build(new RamLayout(4096L << 20, 2, 16L << 20));
        assertThat(big).hasSize(4);
        assertThat(big.get(2)).isEqualTo(new E820Map.Entry(0x100000, Layout.MMIO_GAP_START - 0x100000, E820Map.RAM));
        assertThat(big.get(3)).isEqualTo(new E820Map.Entry(Layout.MMIO_GAP_END, 1008L << 20, E820Map.RAM));
        for (E820Map.Entry x : big) {
            boolean overlapsGap = x.addr() < Layout.MMIO_GAP_END && x.addr() + x.size() > Layout.MMIO_GAP_START;
            assertThat(overlapsGap).as("entry %s overlaps the MMIO gap", x).isFalse();
        }
    }

    @Test
    void bootParamsPutsFieldsAtTheirAbiOffsets() {
        byte[] hdr = new byte[0x268 - 0x1f1];
        hdr[0x211 - 0x1f1] = 0x01; // LOADED_HIGH
        hdr[0x206 - 0x1f1] = 0x0f;
        hdr[0x207 - 0x1f1] = 0x02;
        RamLayout ram = new RamLayout(256L << 20, 1, 0);
        byte[] bp = new BootParams(hdr).cmdline(Layout.CMDLINE, 42).ramdisk(0x0f000000L, 0x123456).acpiRsdp(Layout.RSDP)
                .e820(E820Map.build(ram)).bytes();
        ByteBuffer b = ByteBuffer.wrap(bp).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bp).hasSize(4096);
        assertThat(b.getShort(0x206)).isEqualTo((short) 0x20f);
        assertThat(b.get(0x210)).isEqualTo((byte) 0xff);
        assertThat(b.get(0x211) & 0x81).isEqualTo(0x81);
        assertThat(b.getInt(0x228)).isEqualTo((int) Layout.CMDLINE);
        assertThat(b.getInt(0x238)).isEqualTo(42);
        assertThat(b.getInt(0x218)).isEqualTo(0x0f000000);
        assertThat(b.getInt(0x21c)).isEqualTo(0x123456);
        assertThat(b.getLong(0x70)).isEqualTo(Layout.RSDP);
        assertThat(b.get(0x1e8)).isEqualTo((byte) 3);
        assertThat(b.getLong(0x2d0 + 40)).isEqualTo(0x100000L);
        assertThat(b.getInt(0x2d0 + 40 + 16)).isEqualTo(E820Map.RAM);
        // a synthesized header for ELF kernels still carries the magic
        ByteBuffer elf = ByteBuffer.wrap(new BootParams(null).bytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(elf.getInt(0x202)).isEqualTo(0x53726448);
        assertThat(elf.getShort(0x1fe)).isEqualTo((short) 0xaa55);
    }

    @Test
    void mpTableChecksumsAndCounts() {
        CpuTopology t = CpuTopology.of(1, 2, 2, 2);
        byte[] mp = MpTable.bytes(t);
        assertThat(new String(mp, 0, 4)).isEqualTo("_MP_");
        assertThat(sum(mp, 0, 16)).isZero();
        assertThat(new String(mp, 16, 4)).isEqualTo("PCMP");
        ByteBuffer b = ByteBuffer.wrap(mp).order(ByteOrder.LITTLE_ENDIAN);
        int len = b.getShort(16 + 4) & 0xffff;
        assertThat(16 + len).isEqualTo(mp.length);
        assertThat(sum(mp, 16, len)).isZero();
        assertThat(b.getShort(16 + 34)).isEqualTo((short) (8 + 2 + 24 + 2));
        assertThat(b.getInt(4)).isEqualTo((int) Layout.MPTABLE + 16);
        // processor entries carry the topology's APIC IDs, BSP flagged
        for (int cpu = 0; cpu < 8; cpu++) {
            assertThat(mp[60 + cpu * 20 + 1]).isEqualTo((byte) t.apicId(cpu));
            assertThat(mp[60 + cpu * 20 + 3]).isEqualTo((byte) (cpu == 0 ? 3 : 1));
        }
    }

    static int sum(byte[] b, int off, int len) {
        int s = 0;
        for (int i = off; i < off + len; i++) {
            s += b[i] & 0xff;
        }
        return s & 0xff;
    }
}
