package io.ktstr4j.schemas.event;

/**
 * A step's ops were applied (STIM message).
 *
 * @param elapsedMs       ms since scenario start
 * @param stepIndex       step number (0-based)
 * @param opCount         ops in the step
 * @param opKinds         bitmask of {@code OpKind} bits
 * @param cgroupCount     live cgroups after the step
 * @param workerCount     live workers after the step
 * @param totalIterations iterations of all workers so far
 */
public record Stimulus(long elapsedMs, int stepIndex, int opCount, long opKinds, int cgroupCount, int workerCount,
                       long totalIterations) implements GuestMessage {}
