package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.RunEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps bodies into {@link RunEvent}s with consecutive sequence numbers from 0: one variant's stream, or (without a
 * variant key, {@link #forRun}) the run's own events ({@code run.started}, {@code run.finished}).
 */
public final class Envelope {

    private final String runId;
    private final String variantKey;
    private final Clock clock;
    private final AtomicLong seq = new AtomicLong();

    public Envelope(String runId, String variantKey, Clock clock) {
        this.runId = Objects.requireNonNull(runId, "runId");
        this.variantKey = Objects.requireNonNull(variantKey, "variantKey");
        this.clock = clock;
    }

    private Envelope(String runId, Clock clock) {
        this.runId = Objects.requireNonNull(runId, "runId");
        this.variantKey = null;
        this.clock = clock;
    }

    /** The run's own events: run id, no variant key (ids {@code runId/-/seq}). */
    public static Envelope forRun(String runId, Clock clock) {
        return new Envelope(runId, clock);
    }

    /** Stamped now: for events made at the moment they are wrapped. */
    public RunEvent wrap(EventBody body) {
        return wrap(body, clock.instant());
    }

    /** Stamped with when the event was observed, which may be earlier than now (it waited in a buffer). */
    public RunEvent wrap(EventBody body, Instant observedAt) {
        return new RunEvent(runId, variantKey, null, seq.getAndIncrement(), observedAt, body, Map.of());
    }

    /** A body with the instant the run observed it. */
    public record Observed(Instant at, EventBody body) { }

    public String runId() {
        return runId;
    }
}
