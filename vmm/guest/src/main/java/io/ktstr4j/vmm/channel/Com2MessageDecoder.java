package io.ktstr4j.vmm.channel;

import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.GuestMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The agent's fallback transport when the SHM ring is unavailable: each message on COM2 as
 * {@code ===KTSTR4J_MSG_START <type-hex> <len> <crc-hex>===}, the payload in hex (on one or more lines: the host's line
 * splitter cuts long lines), then {@code ===KTSTR4J_MSG_END===}. Fed one COM2 line at a time; untrusted like the ring:
 * a bad marker, bad hex, a wrong length or CRC, or a block cut short becomes a {@link ChannelError}, and no more than
 * {@link TlvDecoder#MAX_PAYLOAD} bytes are ever buffered. Not thread-safe: one decoder per COM2 stream.
 */
public final class Com2MessageDecoder {
    public static final String START = "===KTSTR4J_MSG_START ";
    public static final String END = "===KTSTR4J_MSG_END===";
    private static final Pattern START_LINE = Pattern.compile(
            "===KTSTR4J_MSG_START ([0-9a-fA-F]{8}) (\\d{1,10}) ([0-9a-fA-F]{8})===");

    /**
     * What one line was: {@code consumed} when it belongs to a message block (not worth showing as a console line),
     * and what it completed: decoded messages or channel errors (usually none, at most two).
     */
    public record Result(boolean consumed, List<GuestMessage> messages) {
        static final Result NOT_OURS = new Result(false, List.of());
        static final Result CONSUMED = new Result(true, List.of());
    }

    private enum State { OUTSIDE, COLLECTING, SKIPPING }

    private State state = State.OUTSIDE;
    private int type;
    private long length;
    private int crc;
    private StringBuilder hex;
    /** In SKIPPING: reported at the end marker (null when already reported). */
    private ChannelError skipError;

    /**
     * A VM's events with the agent's fallback transport (no SHM ring) decoded: messages between markers on COM2
     * become guest messages, and their hex lines are not passed on as console lines.
     */
    public static Flux<EventBody> decodeIn(Flux<EventBody> vmEvents) {
        return Flux.defer(() -> {
            Com2MessageDecoder com2 = new Com2MessageDecoder();
            return vmEvents.concatMapIterable(e -> {
                if (!(e instanceof ConsoleLine c) || !ConsoleLine.COM2.equals(c.port())) {
                    return List.of(e);
                }
                Result r = com2.accept(c.line());
                if (!r.consumed()) {
                    return List.of(e);
                }
                return List.<EventBody>copyOf(r.messages());
            }).concatWith(Mono.fromSupplier(com2::close));
        });
    }

    public Result accept(String line) {
        String l = line.strip();
        if (l.startsWith(START)) {
            List<GuestMessage> out = new ArrayList<>(2);
            if (state != State.OUTSIDE) {
                out.add(cutShort("a new start marker"));
            }
            ChannelError e = begin(l);
            if (e != null) {
                out.add(e);
            }
            return new Result(true, out);
        }
        if (l.equals(END)) {
            GuestMessage m = finish();
            return new Result(true, m == null ? List.of() : List.of(m));
        }
        switch (state) {
            case OUTSIDE -> {
                return Result.NOT_OURS;
            }
            case COLLECTING -> {
                if (hex.length() + l.length() > 2 * length) {
                    state = State.SKIPPING;
                    hex = null;
                    skipError = new ChannelError("bad_length", "COM2 message type " + ShmLayout.tag(type)
                            + " has more than its " + length + " payload bytes", 1);
                } else {
                    hex.append(l);
                }
                return Result.CONSUMED;
            }
            default -> {
                return Result.CONSUMED;
            }
        }
    }

    /** At the end of the stream: a block still open was cut short (null when none was open). */
    public GuestMessage close() {
        return state == State.OUTSIDE ? null : cutShort("the end of COM2 output");
    }

    /** Starts a block; returns an error to report at once, if any (the block is then skipped to its end marker). */
    private ChannelError begin(String l) {
        Matcher m = START_LINE.matcher(l);
        if (!m.matches()) {
            return skip(new ChannelError("bad_marker", "COM2 start marker not understood: " + cut(l), 1));
        }
        type = (int) Long.parseLong(m.group(1), 16);
        length = Long.parseLong(m.group(2));
        crc = (int) Long.parseLong(m.group(3), 16);
        if (length > TlvDecoder.MAX_PAYLOAD) {
            return skip(new ChannelError("bad_length", String.format("COM2 message type %s claims %d payload bytes "
                    + "(max %d); skipped", ShmLayout.tag(type), length, TlvDecoder.MAX_PAYLOAD), 1));
        }
        state = State.COLLECTING;
        hex = new StringBuilder((int) Math.min(2 * length, 1 << 16));
        return null;
    }

    private ChannelError skip(ChannelError now) {
        state = State.SKIPPING;
        hex = null;
        skipError = null;
        return now;
    }

    /** The message a block ends with, or null when its problem was already reported. */
    private GuestMessage finish() {
        State was = state;
        state = State.OUTSIDE;
        if (was == State.OUTSIDE) {
            return new ChannelError("bad_marker", "COM2 end marker without a start marker", 1);
        }
        if (was == State.SKIPPING) {
            ChannelError e = skipError; // null when the block's problem was reported at its start marker
            skipError = null;
            return e;
        }
        String h = hex.toString();
        hex = null;
        if (h.length() != 2 * length) {
            return new ChannelError("bad_length", String.format("COM2 message type %s has %d hex digits, its "
                    + "marker says %d payload bytes", ShmLayout.tag(type), h.length(), length), 1);
        }
        byte[] payload = new byte[(int) length];
        for (int i = 0; i < payload.length; i++) {
            int hi = Character.digit(h.charAt(2 * i), 16);
            int lo = Character.digit(h.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return new ChannelError("bad_payload", "COM2 message type " + ShmLayout.tag(type)
                        + ": payload is not hex at offset " + (2 * i), 1);
            }
            payload[i] = (byte) (hi << 4 | lo);
        }
        return TlvDecoder.decode(type, payload, crc);
    }

    private GuestMessage cutShort(String by) {
        state = State.OUTSIDE;
        hex = null;
        return new ChannelError("truncated", "COM2 message type " + ShmLayout.tag(type) + " was cut short by " + by, 1);
    }

    private static String cut(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }
}
