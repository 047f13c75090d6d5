package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.RunEvent;
import java.util.Objects;

/**
 * A run event after JSON encoding: what routing, keys, headers and batching need, plus the JSON bytes.
 *
 * @param bodyType   the EventBody record class (e.g. {@code MonitorSample}); decides the topic
 * @param runId      run id; null for a standalone event
 * @param variantKey test variant key; null for a run or standalone event
 * @param ownId      a standalone event's own {@code event_id}; null otherwise
 * @param seq        sequence number within the run/variant
 * @param json       the whole RunEvent as compact JSON (one line, no newline)
 * @param bodyKey    the record key a body chooses itself (an analysis result's variant); null for every other body
 */
public record EncodedEvent(Class<? extends EventBody> bodyType, String runId, String variantKey, String ownId,
                           long seq, byte[] json, String bodyKey) {
    public EncodedEvent {
        Objects.requireNonNull(bodyType, "bodyType");
        Objects.requireNonNull(json, "json");
        if (runId == null) {
            Objects.requireNonNull(ownId, "ownId (a standalone event's event_id)");
        }
    }

    /** A variant event by its JSON type name (tests and tools). */
    public EncodedEvent(String type, String runId, String variantKey, long seq, byte[] json) {
        this(typeOf(type), Objects.requireNonNull(runId, "runId"), Objects.requireNonNull(variantKey, "variantKey"),
                null, seq, json, null);
    }

    private static Class<? extends EventBody> typeOf(String name) {
        Class<? extends EventBody> c = EventBody.typeNames().get(Objects.requireNonNull(name, "type"));
        if (c == null) throw new IllegalArgumentException("'" + name + "' is not an event type");
        return c;
    }

    /** The EventBody type name (e.g. {@code monitor.sample}), for headers. */
    public String type() {
        return EventBody.typeNameOf(bodyType);
    }

    /** The consumers' dedup key, the same as RunEvent.eventId(). */
    public String eventId() {
        return RunEvent.eventId(runId, variantKey, ownId, seq);
    }
}
