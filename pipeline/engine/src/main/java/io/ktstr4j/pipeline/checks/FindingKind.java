package io.ktstr4j.pipeline.checks;

/**
 * Why a check fired: ktstr's {@code DetailKind} list plus the three kinds ktstr lacks. Mapped by name onto the
 * schemas {@code DetailKind} when a verdict record is built.
 */
public enum FindingKind {
    STARVED, STUCK, UNFAIR, ISOLATION, BENCHMARK, MIGRATION, PAGE_LOCALITY, CROSS_NODE_MIGRATION, SLOW_TIER,
    MONITOR, SCHEDULER_DIED, SKIP, OTHER, TIMEOUT, INFRASTRUCTURE, NOT_INITIALIZED
}
