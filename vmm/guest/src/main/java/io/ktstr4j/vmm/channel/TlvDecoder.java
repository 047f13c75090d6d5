package io.ktstr4j.vmm.channel;

import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.GuestCrash;
import io.ktstr4j.schemas.event.GuestExit;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.schemas.event.InitStage;
import io.ktstr4j.schemas.event.PayloadMetricsReport;
import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.SchedExit;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.TestResult;
import io.ktstr4j.schemas.event.WorkerReports;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.report.AssertResult;
import io.ktstr4j.schemas.report.PayloadMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Turns guest TLV messages (type, payload) into {@link GuestMessage} records. Anything malformed becomes a
 * {@link ChannelError} instead of an exception: the guest is untrusted and must never crash the host.
 *
 * <p>Error kinds: {@code crc_mismatch}, {@code bad_length} (a payload of the wrong size for its type, or larger than
 * {@link #MAX_PAYLOAD}), {@code bad_payload} (invalid JSON/UTF-8 or a value the record refuses),
 * {@code unknown_type}, {@code truncated} (a stream that ends inside a message).
 */
public final class TlvDecoder {

    /** No real message comes near this (a TEST result with 64 details is ~20 KiB); larger is treated as corrupt. */
    public static final int MAX_PAYLOAD = 4 << 20;
    /** Text shown in error details is cut to this many characters. */
    private static final int DETAIL_MAX = 200;

    private TlvDecoder() {}

    public static long crc32(byte[] b, int off, int len) {
        CRC32 c = new CRC32();
        c.update(b, off, len);
        return c.getValue();
    }

    /** Decodes one message whose CRC was already checked. */
    public static GuestMessage decode(int type, byte[] payload) {
        try {
            return switch (type) {
                case ShmLayout.MSG_SCENARIO_START -> new ScenarioStart();
                case ShmLayout.MSG_STIMULUS -> stimulus(payload);
                case ShmLayout.MSG_SCENARIO_END -> payload.length == 4 ? new ScenarioEnd(u32(payload, 0))
                        : badLength(type, payload.length, "4");
                case ShmLayout.MSG_TEST_RESULT -> new TestResult(Json.read(payload, AssertResult.class,
                        "guest TEST message"));
                case ShmLayout.MSG_EXIT -> payload.length == 4 ? new GuestExit(i32(payload, 0))
                        : badLength(type, payload.length, "4");
                case ShmLayout.MSG_SCHED_EXIT -> payload.length == 4 ? new SchedExit(i32(payload, 0))
                        : badLength(type, payload.length, "4");
                case ShmLayout.MSG_CRASH -> new GuestCrash(utf8(payload));
                case ShmLayout.MSG_PAYLOAD_METRICS -> new PayloadMetricsReport(Json.read(payload, PayloadMetrics.class,
                        "guest PMET message"));
                case ShmLayout.MSG_WORKER_REPORTS -> Json.read(payload, WorkerReports.class, "guest WREP message");
                case ShmLayout.MSG_INIT_STAGE -> new InitStage(utf8(payload));
                default -> new ChannelError("unknown_type", "message type " + ShmLayout.tag(type) + " with "
                        + payload.length + " payload bytes", 1);
            };
        } catch (RuntimeException e) { // untrusted input: whatever the parser refuses is a channel error
            return new ChannelError("bad_payload", ShmLayout.tag(type) + ": " + cut(String.valueOf(e.getMessage())), 1);
        }
    }

    /** Checks the CRC, then decodes. */
    public static GuestMessage decode(int type, byte[] payload, int crc) {
        long actual = crc32(payload, 0, payload.length);
        if ((int) actual != crc) {
            return new ChannelError("crc_mismatch", String.format("%s message of %d bytes: crc 0x%08x, computed 0x%08x",
                    ShmLayout.tag(type), payload.length, crc, actual), 1);
        }
        return decode(type, payload);
    }

    /**
     * Decodes a TLV stream (the agent's host-mode stdout: 16-byte headers and payloads back to back, no ring header).
     * Stops at the end of the stream, or at a header whose length is over {@link #MAX_PAYLOAD} (the stream cannot be
     * resynchronised after that). Returns the number of messages passed to {@code sink}.
     */
    public static long decodeStream(InputStream in, Consumer<GuestMessage> sink) throws IOException {
        long n = 0;
        byte[] h = new byte[ShmLayout.MSG_HEADER_SIZE];
        while (true) {
            int got = in.readNBytes(h, 0, h.length);
            if (got == 0) {
                return n;
            }
            n++;
            if (got < h.length) {
                sink.accept(new ChannelError("truncated", "stream ended inside a message header (" + got + " bytes)", 1));
                return n;
            }
            int type = ShmLayout.getU32(h, 0);
            long len = ShmLayout.getU32(h, 4) & 0xffffffffL;
            int crc = ShmLayout.getU32(h, 8);
            if (len > MAX_PAYLOAD) {
                sink.accept(new ChannelError("bad_length", ShmLayout.tag(type) + " message claims " + len
                        + " payload bytes (max " + MAX_PAYLOAD + "); rest of the stream ignored", 1));
                return n;
            }
            byte[] p = in.readNBytes((int) len);
            if (p.length < len) {
                sink.accept(new ChannelError("truncated", ShmLayout.tag(type) + " message: stream ended after "
                        + p.length + " of " + len + " payload bytes", 1));
                return n;
            }
            sink.accept(decode(type, p, crc));
        }
    }

    private static GuestMessage stimulus(byte[] p) {
        if (p.length != ShmLayout.STIMULUS_PAYLOAD_SIZE) {
            return badLength(ShmLayout.MSG_STIMULUS, p.length, "24");
        }
        return new Stimulus(u32(p, 0), u16(p, 4), u16(p, 6), u32(p, 8), u16(p, 12), u16(p, 14),
                ShmLayout.getU64(p, 16));
    }

    private static ChannelError badLength(int type, int len, String expected) {
        return new ChannelError("bad_length", ShmLayout.tag(type) + " payload is " + len + " bytes, expected "
                + expected, 1);
    }

    private static String utf8(byte[] p) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(p)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("payload is not valid UTF-8");
        }
    }

    static String cut(String s) {
        return s.length() <= DETAIL_MAX ? s : s.substring(0, DETAIL_MAX) + "…";
    }

    private static long u32(byte[] b, int off) {
        return ShmLayout.getU32(b, off) & 0xffffffffL;
    }

    private static int i32(byte[] b, int off) {
        return ShmLayout.getU32(b, off);
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    }
}
