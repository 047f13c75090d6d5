package io.ktstr4j.stats;

/** What a metric's delta amounts to. */
public enum Finding {
    /** Past both gates, significant where tested, in the worse direction. */
    REGRESSION,
    /** Past both gates, significant where tested, in the better direction. */
    IMPROVEMENT,
    /** Past both gates, but Welch's t-test (adjusted) cannot tell it from noise. */
    NOISE,
    /** Past both gates on a metric without a direction (a payload's {@code Unknown}): shown, never judged. */
    INFORMATIONAL,
    /** Within a gate. */
    UNCHANGED
}
