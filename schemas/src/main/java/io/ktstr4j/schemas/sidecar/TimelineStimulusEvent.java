package io.ktstr4j.schemas.sidecar;

/**
 * A step marker on the run's timeline (ktstr {@code timeline::StimulusEvent}).
 *
 * @param elapsedMs       when, in ms since the scenario started
 * @param label           e.g. {@code StepStart[0]}
 * @param opKind          e.g. {@code ops=2}
 * @param detail          e.g. {@code 2 cgroups, 4 workers}
 * @param totalIterations iterations of all workers at this point, if known
 */
public record TimelineStimulusEvent(long elapsedMs, String label, String opKind, String detail, Long totalIterations) {}
