package io.ktstr4j.schemas.event;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.Versioned;
import java.time.Instant;
import java.util.Map;

/**
 * The envelope every event travels in.
 *
 * @param runId      the run
 * @param variantKey the test variant ({@code test/preset/profile[/kernel]})
 * @param seq        monotonic per (run, variant), starting at 0
 * @param timestamp  when the event was created (ISO 8601 in JSON)
 * @param body       the event
 * @param extra      unknown envelope fields from a newer minor version, kept
 */
@com.fasterxml.jackson.databind.annotation.JsonAppend(prepend = true, props = @com.fasterxml.jackson.databind.annotation.JsonAppend.Prop(value = io.ktstr4j.schemas.json.SchemaPropertyWriter.class, name = "schema"))
@Versioned(name = "ktstr4j.run_event", major = 1, minor = 0)
public record RunEvent(String runId, String variantKey, long seq, Instant timestamp, EventBody body,
                       @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY)
                       Map<String, Object> extra) implements io.ktstr4j.schemas.WithExtra {
    public RunEvent {
        Validate.nonBlank("run_id", runId);
        Validate.nonBlank("variant_key", variantKey);
        Validate.nonNegative("seq", seq);
        Validate.required("timestamp", timestamp);
        Validate.required("body", body);
        extra = Validate.map(extra);
    }

    public RunEvent(String runId, String variantKey, long seq, Instant timestamp, EventBody body) {
        this(runId, variantKey, seq, timestamp, body, Map.of());
    }

    /** Dedup key for consumers: {@code runId/variantKey/seq}. */
    public String eventId() {
        return runId + "/" + variantKey + "/" + seq;
    }
}
