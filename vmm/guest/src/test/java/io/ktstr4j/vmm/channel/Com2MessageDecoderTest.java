package io.ktstr4j.vmm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.TestResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Com2MessageDecoderTest {

    /** A block exactly as the agent's com2_fallback() writes it, the hex cut into lines of {@code width}. */
    static List<String> block(int type, byte[] payload, int crc, int width) {
        List<String> l = new ArrayList<>();
        l.add(String.format("===KTSTR4J_MSG_START %08x %d %08x===", type, payload.length, crc));
        String hex = HexFormat.of().formatHex(payload);
        for (int i = 0; i < hex.length(); i += width) {
            l.add(hex.substring(i, Math.min(hex.length(), i + width)));
        }
        if (hex.isEmpty()) {
            l.add("");
        }
        l.add(Com2MessageDecoder.END);
        return l;
    }

    static List<String> block(int type, byte[] payload) {
        return block(type, payload, (int) TlvDecoder.crc32(payload, 0, payload.length), 1 << 20);
    }

    static List<GuestMessage> feed(Com2MessageDecoder d, List<String> lines, List<String> notOurs) {
        List<GuestMessage> out = new ArrayList<>();
        for (String line : lines) {
            Com2MessageDecoder.Result r = d.accept(line);
            out.addAll(r.messages());
            if (!r.consumed()) {
                notOurs.add(line);
            }
        }
        return out;
    }

    @Test
    void decodesBlocksBetweenOrdinaryLinesEvenWithTheHexCutIntoPieces() {
        byte[] result = "{\"passed\":true,\"skipped\":false,\"details\":[]}".getBytes(StandardCharsets.UTF_8);
        byte[] stim = TestRingWriter.stimulus(120, 1, 2, 0x5, 3, 6, 99);
        List<String> lines = new ArrayList<>();
        lines.add("KTSTR4J_STAGE=PAYLOAD_STARTING");
        lines.addAll(block(ShmLayout.MSG_STIMULUS, stim));
        lines.add("some scheduler output");
        lines.addAll(block(ShmLayout.MSG_TEST_RESULT, result,
                (int) TlvDecoder.crc32(result, 0, result.length), 7)); // 64 KiB line cuts, in miniature
        lines.addAll(block(ShmLayout.MSG_SCENARIO_START, new byte[0]));
        List<String> notOurs = new ArrayList<>();
        List<GuestMessage> got = feed(new Com2MessageDecoder(), lines, notOurs);
        assertThat(got).hasSize(3);
        assertThat(got.get(0)).isEqualTo(new Stimulus(120, 1, 2, 0x5, 3, 6, 99));
        assertThat(got.get(1)).isInstanceOfSatisfying(TestResult.class, t -> assertThat(t.result().passed()).isTrue());
        assertThat(notOurs).containsExactly("KTSTR4J_STAGE=PAYLOAD_STARTING", "some scheduler output");
    }

    @Test
    void brokenBlocksAreChannelErrorsAndDecodingGoesOn() {
        byte[] p = TestRingWriter.i32(7);
        List<String> lines = new ArrayList<>();
        lines.addAll(block(ShmLayout.MSG_EXIT, p, 0x1234, 80));                       // wrong CRC
        lines.addAll(List.of("===KTSTR4J_MSG_START 45584954 4 00000000===", "zz00zz00",
                Com2MessageDecoder.END));                                              // not hex
        lines.addAll(List.of("===KTSTR4J_MSG_START 45584954 4 00000000===", "00"));   // cut short by...
        lines.addAll(List.of("===KTSTR4J_MSG_START garbage===", "00", Com2MessageDecoder.END));
        lines.addAll(List.of("===KTSTR4J_MSG_START 45584954 4294967295 00000000===", "00",
                Com2MessageDecoder.END));                                              // absurd length
        lines.add(Com2MessageDecoder.END);                                             // end without start
        lines.addAll(List.of("===KTSTR4J_MSG_START 45584954 2 00000000===", "000000", Com2MessageDecoder.END));
        lines.addAll(block(ShmLayout.MSG_EXIT, p));                                    // and a good one after all
        List<GuestMessage> got = feed(new Com2MessageDecoder(), lines, new ArrayList<>());
        assertThat(got).extracting(m -> m instanceof ChannelError e ? e.kind() : m.getClass().getSimpleName())
                .containsExactly("crc_mismatch", "bad_payload", "truncated", "bad_marker", "bad_length", "bad_marker",
                        "bad_length", "GuestExit");
    }

    @Test
    void aBlockOpenAtTheEndIsReportedOnClose() {
        Com2MessageDecoder d = new Com2MessageDecoder();
        d.accept("===KTSTR4J_MSG_START 45584954 4 00000000===");
        d.accept("0000");
        assertThat(d.close()).isInstanceOfSatisfying(ChannelError.class, e -> assertThat(e.kind())
                .isEqualTo("truncated"));
        assertThat(new Com2MessageDecoder().close()).isNull();
    }

    @Test
    void hostileLinesNeverThrowNorGrowTheBufferPastTheClaimedLength() {
        Random r = new Random(42);
        Com2MessageDecoder d = new Com2MessageDecoder();
        String[] pieces = {"===KTSTR4J_MSG_START ", Com2MessageDecoder.END, "0", "ff", "===", "4 ", "00000000",
                "45584954 ", "\u00e9", "g"};
        long errors = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(6);
            for (int k = 0; k < n; k++) {
                b.append(pieces[r.nextInt(pieces.length)]);
            }
            for (GuestMessage m : d.accept(b.toString()).messages()) {
                if (m instanceof ChannelError) {
                    errors++;
                }
            }
        }
        assertThat(errors).isPositive();
    }
}
