package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.sidecar.SidecarResult;

/** The run's result record (the sidecar). */
public record RunSidecar(SidecarResult result) implements EventBody {
    public RunSidecar {
        Validate.required("result", result);
    }
}
