package io.ktstr4j.schemas.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ktstr4j.schemas.InvalidFieldException;

/**
 * How long a step holds before the next one (ktstr {@code HoldSpec}).
 * JSON: {@code {"kind":"frac","frac":0.5}}, {@code {"kind":"fixed","ms":500}}, {@code {"kind":"loop","interval_ms":100}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = HoldSpec.Frac.class, name = "frac"),
        @JsonSubTypes.Type(value = HoldSpec.Fixed.class, name = "fixed"),
        @JsonSubTypes.Type(value = HoldSpec.Loop.class, name = "loop")
})
public sealed interface HoldSpec {
    /** The whole scenario duration ({@code Frac(1.0)}), the default. */
    HoldSpec FULL = new Frac(1.0);

    /** A fraction (0, 1] of the scenario duration. */
    record Frac(double frac) implements HoldSpec {
        public Frac {
            if (!Double.isFinite(frac) || frac <= 0 || frac > 1)
                throw new InvalidFieldException("frac", io.ktstr4j.schemas.Validate.num(frac) + " is outside (0, 1]");
        }
    }

    /** A fixed time, at least 1 ms. */
    record Fixed(long ms) implements HoldSpec {
        public Fixed {
            if (ms < 1) throw new InvalidFieldException("ms", ms + " must be at least 1 (a zero hold gives workers no time)");
        }
    }

    /** Repeat the step's ops every {@code interval_ms} until the scenario time runs out. */
    record Loop(long intervalMs) implements HoldSpec {
        public Loop {
            if (intervalMs < 1)
                throw new InvalidFieldException("interval_ms", intervalMs + " must be at least 1 (zero would busy-spin)");
        }
    }
}
