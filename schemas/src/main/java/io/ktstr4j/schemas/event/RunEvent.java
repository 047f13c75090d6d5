package io.ktstr4j.schemas.event;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.Versioned;
import java.time.Instant;
import java.util.Map;

/**
 * The envelope every event travels in. Three kinds of event share it (1.1; a 1.0 envelope is always a variant event;
 * 1.2 added the {@code analysis.*} bodies, standalone events of the regression consumer):
 * <ul>
 *   <li><b>variant event</b> (run id and variant key): what one variant's VM, guest, monitor and checks produced.
 *       Id {@code runId/variantKey/seq}.</li>
 *   <li><b>run event</b> (run id, no variant key): about the run as a whole ({@code run.started}, {@code run.finished}).
 *       Id {@code runId/-/seq}; {@code seq} counts the run's own events from 0.</li>
 *   <li><b>standalone event</b> (no run id, no variant key): belongs to no run (a host-state capture, an analysis
 *       result). The producer chooses its id, {@code event_id}, unique across everything it ever publishes and the
 *       same when the event is sent again (e.g. {@code host.state/<host>/<captured_at_unix_ns>}).</li>
 * </ul>
 * {@code event_id} is present exactly for standalone events: a run or variant event's id is derived, never stored.
 *
 * @param runId      the run (one {@code ktstr4j run} command); null for a standalone event
 * @param variantKey the test variant ({@code test/preset/profile[/kernel]}); null for a run or standalone event
 * @param ownId      JSON {@code event_id}: a standalone event's producer-chosen id; null otherwise
 * @param seq        monotonic per (run, variant), or per run for run events, starting at 0
 * @param timestamp  when the event was created (ISO 8601 in JSON)
 * @param body       the event
 * @param extra      unknown envelope fields from a newer minor version, kept
 */
@com.fasterxml.jackson.databind.annotation.JsonAppend(prepend = true, props = @com.fasterxml.jackson.databind.annotation.JsonAppend.Prop(value = io.ktstr4j.schemas.json.SchemaPropertyWriter.class, name = "schema"))
@Versioned(name = "ktstr4j.run_event", major = 1, minor = 3)
public record RunEvent(@JsonInclude(JsonInclude.Include.NON_NULL) String runId,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String variantKey,
                       @JsonProperty("event_id") @JsonInclude(JsonInclude.Include.NON_NULL) String ownId,
                       long seq, Instant timestamp, EventBody body,
                       @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY)
                       Map<String, Object> extra) implements io.ktstr4j.schemas.WithExtra {
    /** Stands for the missing variant in a run event's id: {@code runId/-/seq}. No variant key may be this. */
    public static final String NO_VARIANT = "-";

    public RunEvent {
        if (runId != null) {
            Validate.nonBlank("run_id", runId);
            if (ownId != null) {
                throw new InvalidFieldException("event_id", "only an event without a run_id carries its own id "
                        + "(a run's events are identified by run_id/variant_key/seq)");
            }
        } else {
            if (variantKey != null) {
                throw new InvalidFieldException("run_id", "is required when variant_key is set");
            }
            Validate.nonBlank("event_id", ownId);
        }
        if (variantKey != null) {
            Validate.nonBlank("variant_key", variantKey);
            if (variantKey.equals(NO_VARIANT)) {
                throw new InvalidFieldException("variant_key", "'" + NO_VARIANT + "' is reserved for run events");
            }
        }
        Validate.nonNegative("seq", seq);
        Validate.required("timestamp", timestamp);
        Validate.required("body", body);
        extra = Validate.map(extra);
    }

    /** A variant event (the 1.0 envelope). */
    public RunEvent(String runId, String variantKey, long seq, Instant timestamp, EventBody body,
                    Map<String, Object> extra) {
        this(Validate.nonBlank("run_id", runId), Validate.nonBlank("variant_key", variantKey), null, seq, timestamp,
                body, extra);
    }

    /** A variant event (the 1.0 envelope). */
    public RunEvent(String runId, String variantKey, long seq, Instant timestamp, EventBody body) {
        this(runId, variantKey, seq, timestamp, body, Map.of());
    }

    /** A run event: belongs to the run, to no variant ({@code run.started}, {@code run.finished}). */
    public static RunEvent ofRun(String runId, long seq, Instant timestamp, EventBody body) {
        return new RunEvent(Validate.nonBlank("run_id", runId), null, null, seq, timestamp, body, Map.of());
    }

    /** A standalone event: belongs to no run; {@code eventId} is the producer's stable, unique id for it. */
    public static RunEvent standalone(String eventId, long seq, Instant timestamp, EventBody body) {
        return new RunEvent(null, null, Validate.nonBlank("event_id", eventId), seq, timestamp, body, Map.of());
    }

    /** True for a run event (run id, no variant key). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isRunLevel() {
        return runId != null && variantKey == null;
    }

    /** True for an event of no run (no run id; {@link #ownId()} is its id). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isStandalone() {
        return runId == null;
    }

    /**
     * Dedup key for consumers, unique and stable: {@code runId/variantKey/seq} for a variant event, {@code runId/-/seq}
     * for a run event, the producer's {@code event_id} for a standalone event.
     */
    public String eventId() {
        return eventId(runId, variantKey, ownId, seq);
    }

    /** The same id from the envelope's parts (for code that holds them without the event). */
    public static String eventId(String runId, String variantKey, String ownId, long seq) {
        if (runId == null) return ownId;
        return runId + "/" + (variantKey == null ? NO_VARIANT : variantKey) + "/" + seq;
    }
}
