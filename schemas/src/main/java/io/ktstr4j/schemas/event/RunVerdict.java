package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.verdict.Verdict;

/** The run's verdict. */
public record RunVerdict(Verdict verdict) implements EventBody {
    public RunVerdict {
        Validate.required("verdict", verdict);
    }
}
