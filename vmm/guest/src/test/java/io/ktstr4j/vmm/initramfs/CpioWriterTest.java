package io.ktstr4j.vmm.initramfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CpioWriterTest {

    @Test
    void writesNewcHeaderNamePaddingAndTrailerByteForByte() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(bos)) {
            w.file("/init", 0755, "hi\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] a = bos.toByteArray();
        String header = new String(a, 0, 110, StandardCharsets.US_ASCII);
        assertThat(header).isEqualTo("070701" + "00000001" + "000081ED" + "00000000" + "00000000" + "00000001"
                + "00000000" + "00000003" + "00000000" + "00000000" + "00000000" + "00000000" + "00000005"
                + "00000000");
        // name "init\0" at 110..115, padded to 116; data at 116..119, padded to 120
        assertThat(new String(a, 110, 4, StandardCharsets.US_ASCII)).isEqualTo("init");
        assertThat(a[114]).isZero();
        assertThat(a[115]).isZero();
        assertThat(new String(a, 116, 3, StandardCharsets.US_ASCII)).isEqualTo("hi\n");
        assertThat(a[119]).isZero();
        String trailer = new String(a, 120, 110, StandardCharsets.US_ASCII);
        assertThat(trailer).startsWith("070701").endsWith("0000000B00000000");
        assertThat(new String(a, 230, 10, StandardCharsets.US_ASCII)).isEqualTo("TRAILER!!!");
        assertThat(a.length % 512).isZero();
        assertThat(Arrays.copyOfRange(a, 244, a.length)).containsOnly(0);
    }

    @Test
    void refusesDuplicateAndEscapingNames() throws Exception {
        CpioWriter w = new CpioWriter(new ByteArrayOutputStream());
        w.directory("bin", 0755);
        assertThatThrownBy(() -> w.directory("/bin", 0755)).hasMessageContaining("duplicate entry 'bin'");
        assertThatThrownBy(() -> w.file("../etc/passwd", 0644, new byte[0])).hasMessageContaining("'..'");
        assertThatThrownBy(() -> w.file("", 0644, new byte[0])).hasMessageContaining("invalid entry name");
    }

    @Test
    void symlinkStoresTargetAsData() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(bos)) {
            w.symlink("bin/sh", "busybox");
        }
        byte[] a = bos.toByteArray();
        String header = new String(a, 0, 110, StandardCharsets.US_ASCII);
        assertThat(header.substring(14, 22)).isEqualTo("0000A1FF");
        assertThat(header.substring(54, 62)).isEqualTo("00000007");
        // "bin/sh\0" = 7 bytes, 110+7=117 -> pad to 120
        assertThat(new String(a, 120, 7, StandardCharsets.US_ASCII)).isEqualTo("busybox");
    }
}
