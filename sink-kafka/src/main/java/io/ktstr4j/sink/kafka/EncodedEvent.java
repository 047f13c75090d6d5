package io.ktstr4j.sink.kafka;

import java.util.Objects;

/**
 * A run event after JSON encoding: what routing, keys, headers and batching need, plus the JSON bytes.
 *
 * @param type       the EventBody type name (e.g. {@code monitor.sample}); decides the topic
 * @param runId      run id
 * @param variantKey test variant key
 * @param seq        sequence number within the run/variant
 * @param json       the whole RunEvent as compact JSON (one line, no newline)
 */
public record EncodedEvent(String type, String runId, String variantKey, long seq, byte[] json) {
    public EncodedEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(variantKey, "variantKey");
        Objects.requireNonNull(json, "json");
    }

    /** The consumers' dedup key, the same as RunEvent.eventId(). */
    public String eventId() {
        return runId + "/" + variantKey + "/" + seq;
    }
}
