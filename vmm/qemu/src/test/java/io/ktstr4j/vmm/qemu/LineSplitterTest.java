package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

    @Test
    void splitsAcrossChunksDropsCarriageReturnsAndFlushesTheTail() {
        List<String> out = new ArrayList<>();
        LineSplitter s = new LineSplitter(out::add);
        byte[] a = "hel".getBytes(StandardCharsets.UTF_8);
        byte[] b = "lo\r\nwor".getBytes(StandardCharsets.UTF_8);
        byte[] c = "ld\n\ntail".getBytes(StandardCharsets.UTF_8);
        s.feed(a, 0, a.length);
        s.feed(b, 0, b.length);
        s.feed(c, 0, c.length);
        assertThat(out).containsExactly("hello", "world", "");
        s.flush();
        assertThat(out).containsExactly("hello", "world", "", "tail");
    }

    @Test
    void invalidUtf8BecomesReplacementCharactersAndLongLinesAreCut() {
        List<String> out = new ArrayList<>();
        LineSplitter s = new LineSplitter(out::add);
        s.feed(new byte[] {'a', (byte) 0xff, 'b', '\n'}, 0, 4);
        assertThat(out).containsExactly("a\uFFFDb");
        byte[] big = new byte[LineSplitter.MAX_LINE + 10];
        java.util.Arrays.fill(big, (byte) 'x');
        s.feed(big, 0, big.length);
        s.flush();
        assertThat(out).hasSize(3);
        assertThat(out.get(1)).hasSize(LineSplitter.MAX_LINE);
        assertThat(out.get(2)).hasSize(10);
    }
}
