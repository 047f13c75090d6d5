package io.ktstr4j.sink.kafka.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Byte layout of one spool entry (pure; no I/O). Big-endian:
 * <pre>
 *   u32 magic 0x4B53504C ("KSPL") | u32 payloadLength | u32 crc32c(payload) | payload
 *   payload = u16 topicLen, topic | u32 keyLen, key | u16 headerCount, (u16 nameLen, name, u32 valueLen, value)* |
 *             u32 eventCount | u32 valueLen, value
 * </pre>
 * The CRC lets a reader tell a complete entry from a torn tail (a crash in the middle of a write).
 */
public final class SpoolEntryCodec {
    public static final int MAGIC = 0x4B53504C;
    public static final int FRAME_HEADER = 12;
    /** An entry larger than this is treated as corruption rather than allocated. */
    public static final int MAX_PAYLOAD = 64 << 20;

    private SpoolEntryCodec() {
    }

    public static ByteBuffer encode(OutRecord r) {
        byte[] topic = r.topic().getBytes(StandardCharsets.UTF_8);
        int size = 2 + topic.length + 4 + r.key().length + 2 + 4 + 4 + r.value().length;
        List<byte[]> names = new ArrayList<>();
        for (OutRecord.Header h : r.headers()) {
            byte[] n = h.name().getBytes(StandardCharsets.UTF_8);
            names.add(n);
            size += 2 + n.length + 4 + h.value().length;
        }
        ByteBuffer b = ByteBuffer.allocate(FRAME_HEADER + size);
        b.putInt(MAGIC).putInt(size).putInt(0);
        b.putShort((short) topic.length).put(topic);
        b.putInt(r.key().length).put(r.key());
        b.putShort((short) r.headers().size());
        for (int i = 0; i < names.size(); i++) {
            b.putShort((short) names.get(i).length).put(names.get(i));
            byte[] v = r.headers().get(i).value();
            b.putInt(v.length).put(v);
        }
        b.putInt(r.eventCount());
        b.putInt(r.value().length).put(r.value());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), FRAME_HEADER, size);
        b.putInt(8, (int) crc.getValue());
        b.flip();
        return b;
    }

    /** Result of trying to decode at a position: a record and the bytes it used, or why not. */
    public sealed interface Decoded {
        record Entry(OutRecord record, int length) implements Decoded {
        }

        /** Not enough bytes yet: a torn tail, or a write still in progress. */
        record Incomplete() implements Decoded {
        }

        /** Bytes present but wrong (bad magic, length or checksum). */
        record Corrupt(String why) implements Decoded {
        }
    }

    /** Decodes the entry starting at {@code buf.position()} without moving it. */
    public static Decoded decode(ByteBuffer buf) {
        int p = buf.position();
        int avail = buf.limit() - p;
        if (avail < FRAME_HEADER) {
            return new Decoded.Incomplete();
        }
        int magic = buf.getInt(p);
        int len = buf.getInt(p + 4);
        int crcExpected = buf.getInt(p + 8);
        if (magic != MAGIC) {
            return new Decoded.Corrupt(String.format("bad magic 0x%08x", magic));
        }
        if (len < 0 || len > MAX_PAYLOAD) {
            return new Decoded.Corrupt("bad payload length " + len);
        }
        if (avail < FRAME_HEADER + len) {
            return new Decoded.Incomplete();
        }
        ByteBuffer pl = buf.duplicate();
        pl.position(p + FRAME_HEADER).limit(p + FRAME_HEADER + len);
        CRC32C crc = new CRC32C();
        crc.update(pl.duplicate());
        if ((int) crc.getValue() != crcExpected) {
            return new Decoded.Corrupt("checksum mismatch");
        }
        try {
            byte[] topic = bytes(pl, Short.toUnsignedInt(pl.getShort()));
            byte[] key = bytes(pl, pl.getInt());
            int hc = Short.toUnsignedInt(pl.getShort());
            List<OutRecord.Header> headers = new ArrayList<>(hc);
            for (int i = 0; i < hc; i++) {
                String name = new String(bytes(pl, Short.toUnsignedInt(pl.getShort())), StandardCharsets.UTF_8);
                headers.add(new OutRecord.Header(name, bytes(pl, pl.getInt())));
            }
            int count = pl.getInt();
            byte[] value = bytes(pl, pl.getInt());
            return new Decoded.Entry(new OutRecord(new String(topic, StandardCharsets.UTF_8), key, headers, value, count),
                    FRAME_HEADER + len);
        } catch (RuntimeException e) {
            return new Decoded.Corrupt("malformed payload: " + e);
        }
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        if (n < 0 || n > b.remaining()) {
            throw new IllegalArgumentException("field length " + n + " exceeds entry");
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }
}
