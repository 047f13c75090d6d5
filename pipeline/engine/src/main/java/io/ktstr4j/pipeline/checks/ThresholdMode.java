package io.ktstr4j.pipeline.checks;

/**
 * Which default thresholds apply when no layer sets a value. ktstr ties this to the build profile
 * ({@code cargo ktstr test --release} is stricter); here it is an explicit run option.
 */
public enum ThresholdMode {
    /** Fairness spread 15 %, scheduling gap 2000 ms. */
    RELEASE(15.0, 2000),
    /** Fairness spread 35 %, scheduling gap 3000 ms: debug kernels and schedulers run slower. */
    DEBUG(35.0, 3000);

    private final double spreadPct;
    private final long gapMs;

    ThresholdMode(double spreadPct, long gapMs) {
        this.spreadPct = spreadPct;
        this.gapMs = gapMs;
    }

    public double defaultSpreadPct() {
        return spreadPct;
    }

    public long defaultGapMs() {
        return gapMs;
    }
}
