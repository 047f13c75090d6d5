package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The BTF parser against the shipped 6.12 kernel, checked member by member against stored pahole output. */
class BtfTest {

    static Btf btf;

    @BeforeAll
    static void load() {
        btf = Btf.load(KernelFiles.require("vmlinux.btf"));
    }

    static Stream<Path> paholeFiles() throws IOException {
        try (Stream<Path> s = Files.list(KernelFiles.paholeDir())) {
            return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paholeFiles")
    void everyMemberOffsetMatchesPahole(Path file) throws IOException {
        PaholeLayout layout = PaholeLayout.read(file);
        assertThat(layout.members()).as("members parsed from " + file).hasSizeGreaterThan(2);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(btf.sizeOf(layout.struct())).as(layout.struct() + " size").isEqualTo(layout.size());
        for (PaholeLayout.Entry e : layout.members()) {
            String path = layout.struct() + "." + e.name();
            Btf.Field f = btf.field(path);
            if (e.bitSize() != 0) {
                soft.assertThat(f.bitOffset()).as(path + " bit offset").isEqualTo(e.offset() * 8 + e.bitOffset());
                soft.assertThat(f.bitSize()).as(path + " bit size").isEqualTo(e.bitSize());
            } else {
                soft.assertThat(f.offset()).as(path + " offset").isEqualTo(e.offset());
                soft.assertThat(f.isBitfield()).as(path + " is not a bitfield").isFalse();
            }
            soft.assertThat(f.byteSize()).as(path + " size").isEqualTo(e.size());
        }
        soft.assertAll();
    }

    @Test
    void resolvesNestedPathsTheMonitorUses() {
        // rq.scx is at 2320 and scx_rq.local_dsq.nr at 32 (pahole rq.txt / scx_rq.txt / scx_dispatch_q.txt).
        assertThat(btf.field("rq.scx.local_dsq.nr").offset()).isEqualTo(2320 + 0 + 32);
        assertThat(btf.field("rq.scx.nr_running").offset()).isEqualTo(2320 + 120);
        assertThat(btf.field("rq.scx.flags").offset()).isEqualTo(2320 + 124);
        assertThat(btf.field("rq.rq_sched_info.run_delay").offset()).isEqualTo(3432 + 8);
        assertThat(btf.field("rq.rq_sched_info.pcount").offset()).isEqualTo(3432);
        assertThat(btf.field("sched_domain.lb_count[2]").offset()).isEqualTo(120 + 8);
        assertThat(btf.field("sched_domain.lb_count[2]").byteSize()).isEqualTo(4);
        // anonymous union member inside a named path
        assertThat(btf.field("rq.curr").offset()).isEqualTo(2848);
        assertThat(btf.field("bpf_array.value").offset()).isEqualTo(264);
    }

    @Test
    void bitfieldReadMasksAndShifts() {
        Btf.Field f = btf.field("task_struct.sched_migrated"); // 1596:2, 1 bit
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1596, 0b0100);
        assertThat(f.read(b, 0)).isEqualTo(1);
        b.putInt(1596, 0b1011);
        assertThat(f.read(b, 0)).isZero();
    }

    @Test
    void enumsAndFeatureDetection() {
        assertThat(btf.enumValues("scx_ops_enable_state")).containsValues("SCX_OPS_ENABLED", "SCX_OPS_DISABLED");
        assertThat(btf.enumerator("SCX_OPS_ENABLED")).isPresent();
        assertThat(btf.tryField("scx_event_stats.SCX_EV_SELECT_CPU_FALLBACK")).isEmpty(); // 6.12 has no event stats
        assertThat(btf.tryField("rq.no_such_member")).isEmpty();
        assertThatThrownBy(() -> btf.field("rq.no_such_member")).hasMessageContaining("rq.no_such_member");
    }

    @Test
    void vmlinuxElfBtfEqualsTheRawBlob() throws IOException {
        ElfImage elf = ElfImage.open(KernelFiles.vmlinux());
        Btf fromElf = Btf.fromElf(elf);
        assertThat(fromElf.typeCount()).isEqualTo(btf.typeCount());
        for (String p : List.of("rq.nr_running", "rq.clock", "rq.scx.local_dsq.nr", "sched_domain.parent")) {
            assertThat(fromElf.field(p)).isEqualTo(btf.field(p));
        }
    }

    @Test
    void rejectsMalformedBlobsWithAReason() {
        assertThatThrownBy(() -> Btf.parse(ByteBuffer.wrap(new byte[10]))).hasMessageContaining("shorter");
        ByteBuffer bad = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x1234);
        assertThatThrownBy(() -> Btf.parse(bad.rewind())).hasMessageContaining("magic");
        ByteBuffer overflow = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        overflow.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(1000).putInt(0)
                .putInt(0);
        assertThatThrownBy(() -> Btf.parse(overflow.rewind())).hasMessageContaining("exceed");
    }

    @Test
    void cyclicTypedefChainIsBoundedNotAHang() {
        // one TYPEDEF (id 1) that names itself
        BtfBuilder b = new BtfBuilder();
        int self = b.typedef("loop", 1);
        Btf cyc = Btf.parse(b.build());
        assertThatThrownBy(() -> cyc.resolve(self)).hasMessageContaining("cyclic");
        assertThatThrownBy(() -> cyc.sizeOf(self)).hasMessageContaining("longer than");
    }
}
