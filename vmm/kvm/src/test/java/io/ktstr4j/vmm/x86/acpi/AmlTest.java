package io.ktstr4j.vmm.x86.acpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AmlTest {
    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void integersTakeTheirShortestForm() {
        assertThat(hex(Aml.integer(0))).isEqualTo("00");
        assertThat(hex(Aml.integer(1))).isEqualTo("01");
        assertThat(hex(Aml.integer(0x2a))).isEqualTo("0a2a");
        assertThat(hex(Aml.integer(0x12345678L))).isEqualTo("0c78563412");
        assertThatThrownBy(() -> Aml.integer(-1)).hasMessageContaining("out of range");
    }

    @Test
    void eisaIdsCompressTheVendorLetters() {
        assertThat(hex(Aml.eisaId("PNP0501"))).isEqualTo("0c41d00501"); // as iasl encodes EisaId ("PNP0501")
        assertThat(hex(Aml.eisaId("PNP0303"))).isEqualTo("0c41d00303");
        assertThatThrownBy(() -> Aml.eisaId("pnp0501")).hasMessageContaining("EISA id");
    }

    @Test
    void packageLengthsGrowToTwoBytesAtSixtyFour() {
        assertThat(Aml.withPkgLength(new byte[] {0x10}, new byte[62])[1]).isEqualTo((byte) 63);
        byte[] two = Aml.withPkgLength(new byte[] {0x10}, new byte[63]); // 63 + 2 = 65 = 0x41
        assertThat(two[1] & 0xff).isEqualTo(0x40 | 0x1);
        assertThat(two[2] & 0xff).isEqualTo(0x4);
        assertThat(two).hasSize(1 + 2 + 63);
        byte[] three = Aml.withPkgLength(new byte[] {0x10}, new byte[5000]); // 5003 = 0x138b
        assertThat(three[1] & 0xff).isEqualTo(0x80 | 0xb);
        assertThat(three[2] & 0xff).isEqualTo(0x38);
        assertThat(three[3] & 0xff).isEqualTo(0x01);
    }

    @Test
    void namesArePaddedAndChecked() {
        assertThat(new String(Aml.nameSeg("_SB"))).isEqualTo("_SB_");
        assertThatThrownBy(() -> Aml.nameSeg("TOOLONG")).hasMessageContaining("name segment");
        assertThatThrownBy(() -> Aml.irqNoFlags(16)).hasMessageContaining("0..15");
    }
}
