package io.ktstr4j.schemas.verdict;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why a check failed or a run was not a plain pass: ktstr's {@code DetailKind} list (same JSON spelling, so guest
 * {@code AssertResult}s read unchanged) plus {@code Timeout}, {@code Infrastructure} and {@code NotInitialized}.
 */
public enum DetailKind {
    @JsonProperty("Starved") STARVED,
    @JsonProperty("Stuck") STUCK,
    @JsonProperty("Unfair") UNFAIR,
    @JsonProperty("Isolation") ISOLATION,
    @JsonProperty("Benchmark") BENCHMARK,
    @JsonProperty("Migration") MIGRATION,
    @JsonProperty("PageLocality") PAGE_LOCALITY,
    @JsonProperty("CrossNodeMigration") CROSS_NODE_MIGRATION,
    @JsonProperty("SlowTier") SLOW_TIER,
    @JsonProperty("Monitor") MONITOR,
    @JsonProperty("SchedulerDied") SCHEDULER_DIED,
    @JsonProperty("Skip") SKIP,
    @JsonProperty("Other") OTHER,
    /** No result before the deadline (VM watchdog or step timeout). Not in ktstr. */
    @JsonProperty("Timeout") TIMEOUT,
    /** The harness failed (no KVM, VM crashed before the test, kernel missing). Not in ktstr. */
    @JsonProperty("Infrastructure") INFRASTRUCTURE,
    /** Not enough evidence, e.g. the monitor never initialised. Not in ktstr. */
    @JsonProperty("NotInitialized") NOT_INITIALIZED;

    /** The name as JSON, sidecars and ktstr spell it ({@code SchedulerDied}); the CLI prints this one too. */
    public String jsonName() {
        try {
            return DetailKind.class.getField(name()).getAnnotation(JsonProperty.class).value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e); // every constant is a field
        }
    }

    /** True for the three kinds ktstr does not have. */
    public boolean isExtension() {
        return this == TIMEOUT || this == INFRASTRUCTURE || this == NOT_INITIALIZED;
    }
}
