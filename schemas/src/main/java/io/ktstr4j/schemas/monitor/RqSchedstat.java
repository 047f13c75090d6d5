package io.ktstr4j.schemas.monitor;

/** Run-queue schedstat of one CPU (ktstr {@code RqSchedstat}; needs CONFIG_SCHEDSTATS). */
public record RqSchedstat(
        long runDelay,
        long pcount,
        long yldCount,
        long schedCount,
        long schedGoidle,
        long ttwuCount,
        long ttwuLocal) {}
