package io.ktstr4j.schemas.spec;

/**
 * Which default thresholds apply when no layer sets a value (the values are in {@link Thresholds#defaults}). ktstr
 * ties this to the build profile ({@code cargo ktstr test --release} is stricter); here it is an explicit run option.
 */
public enum ThresholdMode {
    /** The strict defaults. */
    RELEASE,
    /** Looser worker-check defaults: debug kernels and schedulers run slower. */
    DEBUG
}
