package io.ktstr4j.schemas.hoststate;

import io.ktstr4j.schemas.Validate;

/**
 * How a host-state capture went (host_state 1.1): what the walk of /proc found and what it could not read.
 *
 * @param durationMs      how long the walk took
 * @param vanishedThreads threads listed that exited before they were read (not an error; not in the capture)
 * @param missingReadings thread and cgroup readings the walk tried and could not take (each is 0 and named in its
 *                        {@code missing}; the fields no /proc file has are named there too, but not counted)
 */
public record CaptureStats(long durationMs, long vanishedThreads, long missingReadings) {
    public CaptureStats {
        Validate.nonNegative("duration_ms", durationMs);
        Validate.nonNegative("vanished_threads", vanishedThreads);
        Validate.nonNegative("missing_readings", missingReadings);
    }
}
