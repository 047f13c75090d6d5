package io.ktstr4j.schemas.event;

/** Backpressure accounting: a stage dropped events. */
public record EventsDropped(String stage, long count) implements EventBody {
    public EventsDropped {
        io.ktstr4j.schemas.Validate.nonBlank("stage", stage);
        io.ktstr4j.schemas.Validate.nonNegative("count", count);
    }
}
