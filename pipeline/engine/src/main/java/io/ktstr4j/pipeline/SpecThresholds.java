package io.ktstr4j.pipeline;

import io.ktstr4j.pipeline.checks.ThresholdChain;
import io.ktstr4j.pipeline.checks.ThresholdLayer;
import io.ktstr4j.pipeline.checks.ThresholdMode;
import io.ktstr4j.pipeline.checks.Thresholds;
import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.spec.TestSpec;

/** The merge chain for a spec: defaults (release/debug), then the scheduler's assert, then the test's. */
public final class SpecThresholds {

    private SpecThresholds() {
    }

    public static ThresholdLayer layer(AssertThresholds a) {
        if (a == null) {
            return ThresholdLayer.EMPTY;
        }
        return new ThresholdLayer(a.notStarved(), a.isolation(), a.maxSpreadPct(), a.maxGapMs(), a.maxThroughputCv(),
                a.minWorkRate(), a.maxP99WakeLatencyNs(), a.maxWakeLatencyCv(), a.minIterationRate(),
                a.maxMigrationRatio(), a.minPageLocality(), a.maxCrossNodeMigrationRatio(), a.maxSlowTierRatio(),
                a.maxImbalanceRatio(), a.maxLocalDsqDepth(), a.failOnStall(), a.sustainedSamples(),
                a.maxFallbackRate(), a.maxKeepLastRate(), null);
    }

    public static Thresholds resolve(TestSpec spec, ThresholdMode mode) {
        ThresholdLayer budget = ThresholdChain.builder(mode).cleanupBudgetMs(spec.cleanupBudgetMs()).layer();
        return ThresholdChain.resolve(mode, layer(spec.schedulerAssert()), layer(spec.assertions()), budget);
    }
}
