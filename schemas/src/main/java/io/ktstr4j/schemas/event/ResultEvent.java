package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Check;
import io.ktstr4j.schemas.sidecar.SidecarResult;

/** The run's result record (the sidecar). */
public record ResultEvent(SidecarResult result) implements EventBody {
    public ResultEvent {
        Check.required("result", result);
    }
}
