package io.ktstr4j.schemas.hoststate;

/** Why a host-state capture was taken (host_state 1.1). */
public enum CapturePhase {
    /** By hand: {@code ktstr4j host-state capture}. */
    MANUAL,
    /** By {@code ktstr4j host-state watch}, on its schedule. */
    SCHEDULED,
    /** By {@code ktstr4j run}, before its first variant. */
    BEFORE_RUN,
    /** By {@code ktstr4j run}, after its last variant. */
    AFTER_RUN
}
