package io.ktstr4j.sink.kafka;

import com.github.luben.zstd.Zstd;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Turns a batch of encoded events into Kafka records: routes each event, groups events of one (topic, key) into
 * NDJSON records (at most {@code maxEventsPerRecord} events and about {@code targetRecordBytes} each; order within a
 * key is kept), sets the headers, and makes records that would exceed the broker's limit fit:
 * <ol>
 *   <li>a value above {@code maxPartBytes} is compressed as one zstd frame ({@code content-type} gets {@code +zstd});</li>
 *   <li>if that is still above {@code maxPartBytes}, it is cut into parts of at most {@code maxPartBytes}, sent as
 *       consecutive records with the same key (so the same partition, in order), each with {@code ktstr4j.part=i/n},
 *       {@code ktstr4j.split_id}, and the whole value's length and CRC-32C. See {@link RecordDecoder} for reassembly.</li>
 * </ol>
 * Nothing is ever truncated. {@link OutRecord#eventCount()} counts each event once: in its first route's record
 * (the results.latest copy counts 0) and, for a split value, in its last part. Pure: no I/O.
 */
public final class RecordEncoder {
    private final EventRouter router;
    private final int maxEventsPerRecord;
    private final int targetRecordBytes;
    private final int maxPartBytes;
    private final String schemaVersion;

    public RecordEncoder(EventRouter router, int maxEventsPerRecord, int targetRecordBytes, int maxPartBytes,
                         String schemaVersion) {
        if (maxEventsPerRecord < 1 || targetRecordBytes < 1 || maxPartBytes < 1024) {
            throw new IllegalArgumentException("maxEventsPerRecord and targetRecordBytes must be >= 1 and "
                    + "maxPartBytes >= 1024, got " + maxEventsPerRecord + ", " + targetRecordBytes + ", " + maxPartBytes);
        }
        this.router = router;
        this.maxEventsPerRecord = maxEventsPerRecord;
        this.targetRecordBytes = targetRecordBytes;
        this.maxPartBytes = maxPartBytes;
        this.schemaVersion = schemaVersion;
    }

    public EventRouter router() {
        return router;
    }

    /** Records for these events, in an order that keeps every key's events in their original order. */
    public List<OutRecord> encode(List<EncodedEvent> events) {
        Map<EventRouter.Route, List<EncodedEvent>> groups = new LinkedHashMap<>();
        java.util.Set<EventRouter.Route> copies = new java.util.HashSet<>();
        for (EncodedEvent e : events) {
            List<EventRouter.Route> routes = router.routes(e);
            for (int i = 0; i < routes.size(); i++) {
                groups.computeIfAbsent(routes.get(i), k -> new ArrayList<>()).add(e);
                if (i > 0) {
                    copies.add(routes.get(i));
                }
            }
        }
        List<OutRecord> out = new ArrayList<>();
        for (Map.Entry<EventRouter.Route, List<EncodedEvent>> g : groups.entrySet()) {
            EventRouter.Route route = g.getKey();
            boolean counted = !copies.contains(route);
            int limit = route.batchable() ? maxEventsPerRecord : 1;
            List<EncodedEvent> chunk = new ArrayList<>();
            int bytes = 0;
            for (EncodedEvent e : g.getValue()) {
                if (!chunk.isEmpty() && (chunk.size() >= limit || bytes + e.json().length + 1 > targetRecordBytes)) {
                    emit(route, chunk, counted, out);
                    chunk = new ArrayList<>();
                    bytes = 0;
                }
                chunk.add(e);
                bytes += e.json().length + 1;
            }
            if (!chunk.isEmpty()) {
                emit(route, chunk, counted, out);
            }
        }
        return out;
    }

    private void emit(EventRouter.Route route, List<EncodedEvent> chunk, boolean counted, List<OutRecord> out) {
        int size = 0;
        for (EncodedEvent e : chunk) {
            size += e.json().length + 1;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream(size);
        for (EncodedEvent e : chunk) {
            buf.writeBytes(e.json());
            buf.write('\n');
        }
        byte[] value = buf.toByteArray();
        String contentType = KtstrHeaders.NDJSON;
        if (value.length > maxPartBytes) {
            value = Zstd.compress(value, 3);
            contentType = KtstrHeaders.NDJSON_ZSTD;
        }
        EncodedEvent first = chunk.get(0);
        EncodedEvent last = chunk.get(chunk.size() - 1);
        String type = first.type();
        for (EncodedEvent e : chunk) {
            if (e.bodyType() != first.bodyType()) {
                type = "mixed";
                break;
            }
        }
        List<OutRecord.Header> h = new ArrayList<>(12);
        h.add(OutRecord.Header.of(KtstrHeaders.CONTENT_TYPE, contentType));
        h.add(OutRecord.Header.of(KtstrHeaders.SCHEMA, KtstrHeaders.SCHEMA_NAME));
        h.add(OutRecord.Header.of(KtstrHeaders.SCHEMA_VERSION, schemaVersion));
        // A record holds events of one key: one envelope kind, one run id and variant key (absent ones are left out).
        if (first.runId() != null) {
            h.add(OutRecord.Header.of(KtstrHeaders.RUN_ID, first.runId()));
        }
        if (first.variantKey() != null) {
            h.add(OutRecord.Header.of(KtstrHeaders.VARIANT_KEY, first.variantKey()));
        }
        h.add(OutRecord.Header.of(KtstrHeaders.EVENT_ID, first.eventId()));
        h.add(OutRecord.Header.of(KtstrHeaders.LAST_EVENT_ID, last.eventId()));
        h.add(OutRecord.Header.of(KtstrHeaders.EVENT_COUNT, String.valueOf(chunk.size())));
        h.add(OutRecord.Header.of(KtstrHeaders.EVENT_TYPE, type));
        byte[] key = route.keyBytes();
        if (value.length <= maxPartBytes) {
            out.add(new OutRecord(route.topic(), key, h, value, counted ? chunk.size() : 0));
            return;
        }
        CRC32C crc = new CRC32C();
        crc.update(value);
        int n = (value.length + maxPartBytes - 1) / maxPartBytes;
        for (int i = 0; i < n; i++) {
            int from = i * maxPartBytes;
            int to = Math.min(value.length, from + maxPartBytes);
            byte[] part = java.util.Arrays.copyOfRange(value, from, to);
            List<OutRecord.Header> ph = new ArrayList<>(h);
            ph.add(OutRecord.Header.of(KtstrHeaders.PART, (i + 1) + "/" + n));
            ph.add(OutRecord.Header.of(KtstrHeaders.SPLIT_ID, first.eventId()));
            ph.add(OutRecord.Header.of(KtstrHeaders.WHOLE_BYTES, String.valueOf(value.length)));
            ph.add(OutRecord.Header.of(KtstrHeaders.WHOLE_CRC32C, Long.toHexString(crc.getValue())));
            // Only the last part completes events: counters then count each event once.
            out.add(new OutRecord(route.topic(), key, ph, part, counted && i == n - 1 ? chunk.size() : 0));
        }
    }

    /**
     * One record with the events of {@code a} then {@code b}, or null when they cannot be one: a different topic or
     * key, a compressed or split value, the compacted results.latest (one event per record), or the result would
     * exceed {@code maxEventsPerRecord} or {@code targetRecordBytes}. The publisher merges the records that wait behind
     * a key's record in flight, so a key's stream costs a round trip per batch, not per event.
     */
    public OutRecord merge(OutRecord a, OutRecord b) {
        if (!a.topic().equals(b.topic()) || !java.util.Arrays.equals(a.key(), b.key())
                || a.topic().equals(router.layout().name(TopicLayout.RESULTS_LATEST))
                || !KtstrHeaders.NDJSON.equals(a.header(KtstrHeaders.CONTENT_TYPE))
                || !KtstrHeaders.NDJSON.equals(b.header(KtstrHeaders.CONTENT_TYPE))
                || a.header(KtstrHeaders.PART) != null || b.header(KtstrHeaders.PART) != null
                || !java.util.Objects.equals(a.header(KtstrHeaders.SCHEMA_VERSION),
                        b.header(KtstrHeaders.SCHEMA_VERSION))) {
            return null;
        }
        int count = Integer.parseInt(a.header(KtstrHeaders.EVENT_COUNT))
                + Integer.parseInt(b.header(KtstrHeaders.EVENT_COUNT));
        if (count > maxEventsPerRecord || a.value().length + b.value().length > targetRecordBytes) {
            return null;
        }
        byte[] value = java.util.Arrays.copyOf(a.value(), a.value().length + b.value().length);
        System.arraycopy(b.value(), 0, value, a.value().length, b.value().length);
        String type = java.util.Objects.equals(a.header(KtstrHeaders.EVENT_TYPE), b.header(KtstrHeaders.EVENT_TYPE))
                ? a.header(KtstrHeaders.EVENT_TYPE) : "mixed";
        List<OutRecord.Header> h = new ArrayList<>(a.headers().size());
        for (OutRecord.Header x : a.headers()) {
            switch (x.name()) {
                case KtstrHeaders.LAST_EVENT_ID -> h.add(OutRecord.Header.of(x.name(),
                        b.header(KtstrHeaders.LAST_EVENT_ID)));
                case KtstrHeaders.EVENT_COUNT -> h.add(OutRecord.Header.of(x.name(), String.valueOf(count)));
                case KtstrHeaders.EVENT_TYPE -> h.add(OutRecord.Header.of(x.name(), type));
                default -> h.add(x);
            }
        }
        return new OutRecord(a.topic(), a.key(), h, value, a.eventCount() + b.eventCount());
    }
}
