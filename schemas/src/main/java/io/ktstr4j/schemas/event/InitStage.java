package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;

/** The guest agent reached a stage ({@code INIT_STARTED}, {@code SCHED_STARTED}, {@code PAYLOAD_STARTING}, …). */
public record InitStage(String stage) implements GuestMessage {
    public static final String INIT_STARTED = "INIT_STARTED";
    public static final String SCHED_STARTED = "SCHED_STARTED";
    public static final String PAYLOAD_STARTING = "PAYLOAD_STARTING";

    public InitStage {
        Validate.nonBlank("stage", stage);
    }
}
