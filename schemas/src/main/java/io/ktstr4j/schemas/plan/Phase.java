package io.ktstr4j.schemas.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.ktstr4j.schemas.Validate;

/**
 * One phase of a {@link WorkType.Sequence} (ktstr {@code Phase}).
 *
 * @param kind what the worker does
 * @param ms   for how long
 */
public record Phase(Kind kind, long ms) {
    public enum Kind {
        @JsonProperty("spin") SPIN,
        @JsonProperty("sleep") SLEEP,
        @JsonProperty("yield") YIELD,
        @JsonProperty("io") IO
    }

    public Phase {
        Validate.required("kind", kind);
        Validate.atLeast("ms", ms, 1);
    }
}
