package io.ktstr4j.sink.kafka;

/** Names and values of the record headers ktstr4j writes (all values UTF-8 text). */
public final class KtstrHeaders {
    /** MIME type of the value: {@link #NDJSON} or {@link #NDJSON_ZSTD}. */
    public static final String CONTENT_TYPE = "content-type";
    /** Schema name of each line of the value (the RunEvent envelope). */
    public static final String SCHEMA = "ktstr4j.schema";
    /** Schema version, {@code <major>.<minor>}. */
    public static final String SCHEMA_VERSION = "ktstr4j.schema_version";
    /** The run id of the record's events; absent for standalone events (no run). */
    public static final String RUN_ID = "ktstr4j.run_id";
    /** The variant key of the record's events; absent for run events and standalone events. */
    public static final String VARIANT_KEY = "ktstr4j.variant_key";
    /** Event id of the first event in the record (consumers dedupe on the ids inside the value). */
    public static final String EVENT_ID = "ktstr4j.event_id";
    /** Event id of the last event in the record. */
    public static final String LAST_EVENT_ID = "ktstr4j.last_event_id";
    /** Number of events in the record (for a split event: in the reassembled value; parts say it too). */
    public static final String EVENT_COUNT = "ktstr4j.event_count";
    /** The EventBody type name if all events in the record share it, else {@code mixed}. */
    public static final String EVENT_TYPE = "ktstr4j.event_type";
    /** Split records only: {@code <i>/<n>}, 1-based. */
    public static final String PART = "ktstr4j.part";
    /** Split records only: the id shared by all parts (the first event id of the whole value). */
    public static final String SPLIT_ID = "ktstr4j.split_id";
    /** Split records only: length and CRC-32C (hex) of the reassembled value, to verify the reassembly. */
    public static final String WHOLE_BYTES = "ktstr4j.whole_bytes";
    public static final String WHOLE_CRC32C = "ktstr4j.whole_crc32c";

    /** Newline-delimited JSON: one RunEvent per line. */
    public static final String NDJSON = "application/x-ndjson";
    /** The same, compressed as one zstd frame. */
    public static final String NDJSON_ZSTD = "application/x-ndjson+zstd";

    public static final String SCHEMA_NAME = "ktstr4j.run_event";

    private KtstrHeaders() {
    }

    /** A header lookup over a record's headers: the last value of a name, as UTF-8 text (null when absent). */
    public static java.util.function.Function<String, String> lookup(org.apache.kafka.common.header.Headers headers) {
        return name -> {
            org.apache.kafka.common.header.Header h = headers.lastHeader(name);
            return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
        };
    }
}
