package io.ktstr4j.schemas.spec;

import java.util.Objects;

/**
 * The thresholds one run is judged by: the defaults of {@code mode}, then each layer over them (scheduler, then
 * test; the last layer that sets a value wins, ktstr's {@code Assert::default_checks().merge(sched).merge(test)}).
 * Every threshold that has a default is set in {@code values}; the others are null when no layer set them (check off).
 *
 * @param mode            which defaults were used
 * @param values          the resolved thresholds
 * @param cleanupBudgetMs the spec's cleanup budget (null = none); not an {@code assert} field, judged with them
 */
public record Thresholds(ThresholdMode mode, AssertThresholds values, Long cleanupBudgetMs) {

    public Thresholds {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(values, "values");
        if (!values.over(defaults(mode)).equals(values)) {
            throw new IllegalArgumentException("resolved thresholds must set every threshold that has a default; "
                    + "build them with Thresholds.resolve, got " + values);
        }
    }

    /**
     * The defaults, the only place they are written down: ktstr's {@code Assert::default_checks()}. Worker checks on
     * (gap 2000 ms / spread 15 % in release, 3000 ms / 35 % in debug), isolation and benchmark checks off, and the
     * monitor limits of ktstr's {@code MonitorThresholds}.
     */
    public static AssertThresholds defaults(ThresholdMode mode) {
        boolean release = mode == ThresholdMode.RELEASE;
        return AssertThresholds.builder()
                .notStarved(true).isolation(false)
                .maxGapMs(release ? 2000L : 3000L).maxSpreadPct(release ? 15.0 : 35.0)
                .maxImbalanceRatio(4.0).maxLocalDsqDepth(50L).failOnStall(true).sustainedSamples(5)
                .maxFallbackRate(200.0).maxKeepLastRate(100.0)
                .build();
    }

    /** The layers (earliest first, null layers skipped) over the defaults of {@code mode}. */
    public static Thresholds resolve(ThresholdMode mode, AssertThresholds... layersInOrder) {
        AssertThresholds acc = defaults(mode);
        for (AssertThresholds layer : layersInOrder) {
            if (layer != null) {
                acc = layer.over(acc);
            }
        }
        return new Thresholds(mode, acc, null);
    }

    /** A spec's chain: its scheduler's {@code scheduler_assert}, then its {@code assert}, and its cleanup budget. */
    public static Thresholds of(TestSpec spec, ThresholdMode mode) {
        return resolve(mode, spec.schedulerAssert(), spec.assertions()).withCleanupBudgetMs(spec.cleanupBudgetMs());
    }

    public Thresholds withCleanupBudgetMs(Long ms) {
        return new Thresholds(mode, values, ms);
    }
}
