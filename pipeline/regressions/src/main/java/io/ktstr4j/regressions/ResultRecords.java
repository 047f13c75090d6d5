package io.ktstr4j.regressions;

import io.ktstr4j.schemas.SchemaException;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunSidecar;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.sink.kafka.EventCodec;
import io.ktstr4j.sink.kafka.KtstrHeaders;
import io.ktstr4j.sink.kafka.RecordDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Reads records of the results topic back into sidecars: the one reader behind {@code stats ingest --kafka} and
 * {@code stats watch}. A record the publisher wrote (docs/kafka.md, "Record value") holds NDJSON run events, maybe
 * zstd-compressed, maybe one part of a value split across records; only {@code run.result} events carry a sidecar.
 * A record that is not ktstr4j's (not JSON, another schema, a newer major version, a broken split value) is refused
 * with a {@link BadRecordException} naming why, so the caller can skip it and name its offset.
 *
 * <p>Two steps, so that a Kafka Streams deserializer can take the first: {@link #read} looks at one record alone;
 * {@link #sidecars} reassembles split values, which needs the parts before it, so there is one instance per consumer
 * (or stream task). Not thread-safe.
 */
public final class ResultRecords {

    private static final String RESULT_TYPE = EventBody.typeNameOf(RunSidecar.class);
    private static final String MAJOR = EventCodec.SCHEMA_VERSION.substring(0, EventCodec.SCHEMA_VERSION.indexOf('.'));

    private final RecordDecoder parts = new RecordDecoder();

    /** The first step: one record on its own. Parts are returned unread; whole values are parsed line by line. */
    public static ResultRecord read(String source, Function<String, String> header, byte[] value) {
        if (value == null) {
            throw new BadRecordException("no value (a tombstone or a foreign producer)");
        }
        checkHeaders(header);
        if (header.apply(KtstrHeaders.PART) != null) {
            Map<String, String> h = new HashMap<>();
            for (String name : List.of(KtstrHeaders.CONTENT_TYPE, KtstrHeaders.PART, KtstrHeaders.SPLIT_ID,
                    KtstrHeaders.WHOLE_BYTES, KtstrHeaders.WHOLE_CRC32C)) {
                String v = header.apply(name);
                if (v != null) {
                    h.put(name, v);
                }
            }
            return new ResultRecord.Part(h, value);
        }
        String type = header.apply(KtstrHeaders.EVENT_TYPE);
        if (type != null && !type.equals(RESULT_TYPE) && !type.equals("mixed")) {
            return new ResultRecord.Events(List.of()); // verdicts and the run's own events: nothing to read here
        }
        List<byte[]> lines;
        try {
            lines = new RecordDecoder().decode(source, 0, header, value);
        } catch (RuntimeException e) {
            throw new BadRecordException("cannot decode the value (" + header.apply(KtstrHeaders.CONTENT_TYPE)
                    + "): " + e.getMessage(), e);
        }
        return new ResultRecord.Events(parse(lines, source));
    }

    /** The second step: the sidecars in a record, once its split value (if any) is whole; empty until then. */
    public List<SidecarResult> sidecars(ResultRecord r, String topic, int partition, String source) {
        List<RunEvent> events;
        if (r instanceof ResultRecord.Events e) {
            events = e.events();
        } else {
            ResultRecord.Part p = (ResultRecord.Part) r;
            long broken = parts.broken();
            List<byte[]> lines;
            try {
                lines = parts.decode(topic, partition, p.headers()::get, p.value());
            } catch (RuntimeException e) {
                throw new BadRecordException("cannot decode a split value: " + e.getMessage(), e);
            }
            if (parts.broken() > broken) {
                throw new BadRecordException("a split value could not be reassembled (part " + p.headers()
                        .get(KtstrHeaders.PART) + " of " + p.headers().get(KtstrHeaders.SPLIT_ID) + ": a part is "
                        + "missing, out of order, or fails its length or CRC check)");
            }
            events = parse(lines, source);
        }
        List<SidecarResult> out = new ArrayList<>();
        for (RunEvent e : events) {
            if (e.body() instanceof RunSidecar s) {
                out.add(s.result());
            }
        }
        return out;
    }

    /** Both steps, for a plain consumer. */
    public List<SidecarResult> sidecars(ConsumerRecord<byte[], byte[]> r) {
        String source = source(r.topic(), r.partition(), r.offset());
        return sidecars(read(source, headers(r.headers()), r.value()), r.topic(), r.partition(), source);
    }

    /** How a record is named in messages: {@code topic-partition@offset}. */
    public static String source(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    /** A header lookup over Kafka's headers (the last value of a name, as UTF-8 text). */
    public static Function<String, String> headers(Headers headers) {
        return KtstrHeaders.lookup(headers);
    }

    /** Headers that say at once the record is not ours (when present: a foreign producer may send none). */
    private static void checkHeaders(Function<String, String> header) {
        String schema = header.apply(KtstrHeaders.SCHEMA);
        if (schema != null && !schema.equals(KtstrHeaders.SCHEMA_NAME)) {
            throw new BadRecordException(KtstrHeaders.SCHEMA + " is '" + schema + "', not "
                    + KtstrHeaders.SCHEMA_NAME);
        }
        String version = header.apply(KtstrHeaders.SCHEMA_VERSION);
        if (version != null && !version.startsWith(MAJOR + ".")) {
            throw new BadRecordException(KtstrHeaders.SCHEMA_VERSION + " is " + version + ": this reader reads "
                    + KtstrHeaders.SCHEMA_NAME + " " + MAJOR + ".x (newer majors need a newer ktstr4j)");
        }
    }

    private static List<RunEvent> parse(List<byte[]> lines, String source) {
        if (lines.isEmpty()) {
            return List.of();
        }
        List<RunEvent> out = new ArrayList<>(lines.size());
        for (byte[] line : lines) {
            try {
                out.add(EventCodec.decode(line, source));
            } catch (SchemaException e) {
                throw new BadRecordException(e.getMessage(), e);
            } catch (RuntimeException e) { // a record's own check that the codec did not translate
                throw new BadRecordException(source + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
