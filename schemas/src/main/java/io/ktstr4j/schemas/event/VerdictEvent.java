package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Check;
import io.ktstr4j.schemas.verdict.Verdict;

/** The run's verdict. */
public record VerdictEvent(Verdict verdict) implements EventBody {
    public VerdictEvent {
        Check.required("verdict", verdict);
    }
}
