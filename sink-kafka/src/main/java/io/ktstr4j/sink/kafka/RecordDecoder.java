package io.ktstr4j.sink.kafka;

import com.github.luben.zstd.Zstd;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32C;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Consumer side of {@link RecordEncoder}: turns records back into event JSON lines.
 * <p>Reassembly rule for split values: parts of one value share {@code ktstr4j.split_id} and arrive consecutively, in
 * order {@code 1/n … n/n}, on one topic-partition (same key). Concatenate their values in part order; the result must
 * have {@code ktstr4j.whole_bytes} bytes and CRC-32C {@code ktstr4j.whole_crc32c}; then decode it by its
 * {@code content-type} (zstd frame → NDJSON). A part out of order, a missing part, or a failed check drops the value
 * and counts it in {@link #broken()} — it is never returned truncated. Not thread-safe: one per consumer.
 */
public final class RecordDecoder {
    private record PartKey(String topic, int partition, String splitId) {
    }

    private static final class Pending {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int nextPart = 1;
        boolean bad;
    }

    private final Map<PartKey, Pending> pending = new HashMap<>();
    private long broken;

    public List<byte[]> decode(ConsumerRecord<byte[], byte[]> r) {
        return decode(r.topic(), r.partition(), name -> {
            Header h = r.headers().lastHeader(name);
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }, r.value());
    }

    public List<byte[]> decode(OutRecord r, int partition) {
        return decode(r.topic(), partition, r::header, r.value());
    }

    /** Event JSON lines in this record (empty while a split value is incomplete). */
    public List<byte[]> decode(String topic, int partition, Function<String, String> header, byte[] value) {
        String part = header.apply(KtstrHeaders.PART);
        byte[] whole = value;
        if (part != null) {
            String[] in = part.split("/");
            int i = Integer.parseInt(in[0]);
            int n = Integer.parseInt(in[1]);
            PartKey key = new PartKey(topic, partition, header.apply(KtstrHeaders.SPLIT_ID));
            Pending p = pending.get(key);
            if (p != null && !p.bad && i > 1 && i == p.nextPart - 1) {
                return List.of(); // the same part again, re-sent by a retry after its ack was lost
            }
            if (i == 1) {
                // A first part while parts are pending: a retry re-sent the value from its start; start over.
                p = new Pending();
                pending.put(key, p);
            } else if (p == null || p.nextPart != i) {
                // Count the value once, and swallow its remaining parts.
                if (p == null) {
                    p = new Pending();
                    pending.put(key, p);
                }
                if (!p.bad) {
                    broken++;
                }
                p.bad = true;
            }
            if (!p.bad) {
                p.bytes.writeBytes(value);
            }
            p.nextPart = i + 1;
            if (i < n) {
                return List.of();
            }
            if (p.bad) {
                pending.remove(key);
                return List.of();
            }
            pending.remove(key);
            whole = p.bytes.toByteArray();
            CRC32C crc = new CRC32C();
            crc.update(whole);
            if (whole.length != Long.parseLong(header.apply(KtstrHeaders.WHOLE_BYTES))
                    || !Long.toHexString(crc.getValue()).equals(header.apply(KtstrHeaders.WHOLE_CRC32C))) {
                broken++;
                return List.of();
            }
        }
        if (KtstrHeaders.NDJSON_ZSTD.equals(header.apply(KtstrHeaders.CONTENT_TYPE))) {
            long size = Zstd.getFrameContentSize(whole);
            if (size < 0 || size > Integer.MAX_VALUE) {
                broken++;
                return List.of();
            }
            whole = Zstd.decompress(whole, (int) size);
        }
        return lines(whole);
    }

    /** Values dropped because a part was missing, out of order, or failed its length/CRC check. */
    public long broken() {
        return broken;
    }

    /** Split values whose first parts arrived but not yet their last. */
    public int pendingSplits() {
        return pending.size();
    }

    static List<byte[]> lines(byte[] v) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == '\n') {
                if (i > start) {
                    out.add(java.util.Arrays.copyOfRange(v, start, i));
                }
                start = i + 1;
            }
        }
        if (start < v.length) {
            out.add(java.util.Arrays.copyOfRange(v, start, v.length));
        }
        return out;
    }
}
