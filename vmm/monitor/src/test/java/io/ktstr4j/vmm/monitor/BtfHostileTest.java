package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Crafted BTF that the fuzzer ({@link MonitorFuzzTest#btfParseAndRender}) found to hurt the host, kept as tests. */
class BtfHostileTest {

    /** A struct holding itself as 5 anonymous members: a member lookup searched 5^16 paths (a hang). */
    @Test
    void anonymousMembersThatRepeatAStructAreSearchedOnce() {
        BtfBuilder b = new BtfBuilder();
        int u64 = b.intType("unsigned long long", 8, false);
        int self = u64 + 1;
        int s = b.struct("s", 8, "", self, 0, 0, "", self, 0, 0, "", self, 0, 0, "", self, 0, 0, "", self, 0, 0,
                "x", u64, 0, 0);
        assertThat(s).isEqualTo(self);
        Btf btf = Btf.parse(b.build());
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertThat(btf.tryField("s.nope")).isEmpty();
            assertThat(btf.tryField("s.x")).get().extracting(Btf.Field::offset).isEqualTo(0L);
        });
    }

    /** A bitfield whose offset lies past the value: read past the buffer (IndexOutOfBoundsException). */
    @Test
    void aBitfieldPastTheValueIsOutOfRangeNotAnException() {
        BtfBuilder b = new BtfBuilder();
        int u32 = b.intType("unsigned int", 4, false);
        int s = b.struct("s", 8, "lo", u32, 0, 3, "far", u32, 8000, 3);
        Btf btf = Btf.parse(b.build());
        Object v = new BtfValueRenderer(btf, ReadBudget.untimed()).value(s, new byte[] {5, 0, 0, 0, 0, 0, 0, 0}, 0, 0);
        assertThat(v).isEqualTo(Map.of("lo", 5L, "far", "<out of range>"));
    }

    /** The full tier's BTF fuzz case 386410 (seed 30245861731742826): hex of a value at offset 4 of 2 bytes. */
    @org.junit.jupiter.api.Test
    void hexOfAValueBeyondTheDataIsOutOfRangeNotAnException() {
        org.assertj.core.api.Assertions.assertThat(BtfValueRenderer.rawHex(new byte[2], 4, -2)).isEqualTo("<out of range>");
        org.assertj.core.api.Assertions.assertThat(BtfValueRenderer.rawHex(new byte[] {1, 2}, 0, 2)).isEqualTo("0102");
    }
}
