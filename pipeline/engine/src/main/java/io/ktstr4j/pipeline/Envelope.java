package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.RunEvent;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/** Wraps bodies of one variant's stream into {@link RunEvent}s with consecutive sequence numbers from 0. */
public final class Envelope {

    private final String runId;
    private final String variantKey;
    private final Clock clock;
    private final AtomicLong seq = new AtomicLong();

    public Envelope(String runId, String variantKey, Clock clock) {
        this.runId = runId;
        this.variantKey = variantKey;
        this.clock = clock;
    }

    public RunEvent wrap(EventBody body) {
        return new RunEvent(runId, variantKey, seq.getAndIncrement(), clock.instant(), body);
    }

    public String runId() {
        return runId;
    }
}
