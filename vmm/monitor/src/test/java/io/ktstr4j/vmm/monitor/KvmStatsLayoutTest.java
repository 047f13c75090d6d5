package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.vmm.hooks.KvmStatsFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binary stats parser on a buffer laid out as Documentation/virt/kvm/api.rst describes. */
class KvmStatsLayoutTest {

    static final int NAME = 48;

    /** header | id | descriptors | data; {@code descs} = name, flags, size, value... */
    static byte[] statsFile(Object[][] descs) {
        int descOff = 24 + NAME;
        int dataOff = descOff + descs.length * (16 + NAME);
        int dataWords = 0;
        for (Object[] d : descs) {
            dataWords += (int) d[2];
        }
        ByteBuffer b = ByteBuffer.allocate(dataOff + 8 * dataWords).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0).putInt(NAME).putInt(descs.length).putInt(24).putInt(descOff).putInt(dataOff);
        b.put(24, "kvm-1234/vcpu-0".getBytes(StandardCharsets.US_ASCII));
        int word = 0;
        for (int i = 0; i < descs.length; i++) {
            int at = descOff + i * (16 + NAME);
            int size = (int) descs[i][2];
            b.putInt(at, (int) descs[i][1]).putShort(at + 4, (short) -9).putShort(at + 6, (short) size)
                    .putInt(at + 8, word * 8).putInt(at + 12, 0);
            b.put(at + 16, ((String) descs[i][0]).getBytes(StandardCharsets.US_ASCII));
            for (int k = 0; k < size; k++) {
                b.putLong(dataOff + (word + k) * 8, ((long) descs[i][3]) + k);
            }
            word += size;
        }
        return b.array();
    }

    static KvmStatsFile over(byte[] f) {
        return (dst, off) -> {
            if (off >= f.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), f.length - off);
            dst.put(f, (int) off, n);
            return n;
        };
    }

    @Test
    void parsesDescriptorsAndReadsScalars() {
        byte[] f = statsFile(new Object[][] {
            {"exits", 0x0, 1, 1000L},                      // cumulative, no unit
            {"halt_wait_ns", 0x20, 1, 5_000_000L},         // cumulative, seconds (exponent -9)
            {"halt_poll_success_hist", 0x4 | 0x20, 4, 7L}, // log histogram: skipped as scalar
            {"halt_exits", 0x0, 1, 40L},
            {"blocking", 0x1 | 0x40, 1, 1L}});             // instant boolean
        KvmStatsLayout s = KvmStatsLayout.layout(over(f));
        assertThat(s.id()).isEqualTo("kvm-1234/vcpu-0");
        assertThat(s.descriptors()).hasSize(5);
        KvmStatsLayout.Descriptor hw = s.descriptors().get(1);
        assertThat(hw.unit()).isEqualTo(KvmStatsLayout.Unit.SECONDS);
        assertThat(hw.exponent()).isEqualTo(-9);
        assertThat(s.descriptors().get(2).type()).isEqualTo(KvmStatsLayout.Type.LOG_HIST);
        assertThat(s.descriptors().get(4).type()).isEqualTo(KvmStatsLayout.Type.INSTANT);
        Map<String, Long> v = s.read(over(f));
        assertThat(v).containsEntry("exits", 1000L).containsEntry("halt_wait_ns", 5_000_000L)
                .containsEntry("halt_exits", 40L).containsEntry("blocking", 1L)
                .doesNotContainKey("halt_poll_success_hist");
        assertThat(KvmStatsLayout.surfaced(v)).containsOnlyKeys("exits", "halt_wait_ns", "halt_exits");
    }

    @Test
    void rejectsCorruptHeadersWithoutHugeAllocations() {
        byte[] f = statsFile(new Object[][] {{"exits", 0, 1, 1L}});
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1_000_000_000);
        assertThatThrownBy(() -> KvmStatsLayout.layout(over(f))).hasMessageContaining("implausible");
        byte[] g = statsFile(new Object[][] {{"exits", 0, 1, 1L}});
        ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 1 << 20); // descriptors far beyond the file
        assertThatThrownBy(() -> KvmStatsLayout.layout(over(g))).hasMessageContaining("file ended");
        assertThatThrownBy(() -> KvmStatsLayout.parse(ByteBuffer.allocate(10))).hasMessageContaining("shorter");
    }
}
