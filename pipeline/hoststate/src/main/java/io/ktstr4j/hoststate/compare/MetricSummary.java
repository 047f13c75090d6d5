package io.ktstr4j.hoststate.compare;

/**
 * One metric of one group in one capture.
 *
 * @param value  what the threads read add up to; null when no thread of the group could be read for it (never 0)
 * @param unread threads of the group whose reading was missing: a value with unread threads is partial
 */
public record MetricSummary(Aggregate value, int unread) {

    /** Some threads were read and some were not. */
    public boolean partial() {
        return value != null && unread > 0;
    }
}
