package io.ktstr4j.pipeline.checks;

import java.util.ArrayList;
import java.util.List;

/**
 * The assert merge chain: {@link Thresholds#defaults(ThresholdMode)}, then the scheduler's layer, then the test's;
 * for each field the last layer that sets it wins (ktstr's {@code Assert::default_checks().merge(sched).merge(test)}).
 */
public final class ThresholdChain {

    private ThresholdChain() {
    }

    /** Resolves layers in order (earliest first) over the defaults of {@code mode}. Null layers are skipped. */
    public static Thresholds resolve(ThresholdMode mode, ThresholdLayer... layersInOrder) {
        Thresholds d = Thresholds.defaults(mode);
        ThresholdLayer acc = asLayer(d);
        for (ThresholdLayer l : layersInOrder) {
            if (l != null) {
                acc = l.over(acc);
            }
        }
        return new Thresholds(mode, acc.notStarved(), acc.isolation(), acc.maxSpreadPct(), acc.maxGapMs(),
                acc.maxThroughputCv(), acc.minWorkRate(), acc.maxP99WakeLatencyNs(), acc.maxWakeLatencyCv(),
                acc.minIterationRate(), acc.maxMigrationRatio(), acc.minPageLocality(),
                acc.maxCrossNodeMigrationRatio(), acc.maxSlowTierRatio(), acc.maxImbalanceRatio(),
                acc.maxLocalDsqDepth(), acc.failOnStall(), acc.sustainedSamples(), acc.maxFallbackRate(),
                acc.maxKeepLastRate(), acc.cleanupBudgetMs());
    }

    static ThresholdLayer asLayer(Thresholds t) {
        return new ThresholdLayer(t.notStarved(), t.isolation(), t.maxSpreadPct(), t.maxGapMs(), t.maxThroughputCv(),
                t.minWorkRate(), t.maxP99WakeLatencyNs(), t.maxWakeLatencyCv(), t.minIterationRate(),
                t.maxMigrationRatio(), t.minPageLocality(), t.maxCrossNodeMigrationRatio(), t.maxSlowTierRatio(),
                t.maxImbalanceRatio(), t.maxLocalDsqDepth(), t.failOnStall(), t.sustainedSamples(),
                t.maxFallbackRate(), t.maxKeepLastRate(), t.cleanupBudgetMs());
    }

    public static Builder builder(ThresholdMode mode) {
        return new Builder(mode);
    }

    /** Builds one layer fluently (tests, canned schedulers); {@link #build()} resolves it over the defaults. */
    public static final class Builder {
        private final ThresholdMode mode;
        private final List<java.util.function.UnaryOperator<ThresholdLayer>> edits = new ArrayList<>();

        Builder(ThresholdMode mode) {
            this.mode = mode;
        }

        private Builder edit(java.util.function.UnaryOperator<ThresholdLayer> e) {
            edits.add(e);
            return this;
        }

        public Builder notStarved(Boolean v) {
            return set(1, v);
        }

        public Builder isolation(Boolean v) {
            return set(2, v);
        }

        public Builder maxSpreadPct(Double v) {
            return set(3, v);
        }

        public Builder maxGapMs(Long v) {
            return set(4, v);
        }

        public Builder maxThroughputCv(Double v) {
            return set(5, v);
        }

        public Builder minWorkRate(Double v) {
            return set(6, v);
        }

        public Builder maxP99WakeLatencyNs(Long v) {
            return set(7, v);
        }

        public Builder maxWakeLatencyCv(Double v) {
            return set(8, v);
        }

        public Builder minIterationRate(Double v) {
            return set(9, v);
        }

        public Builder maxMigrationRatio(Double v) {
            return set(10, v);
        }

        public Builder minPageLocality(Double v) {
            return set(11, v);
        }

        public Builder maxCrossNodeMigrationRatio(Double v) {
            return set(12, v);
        }

        public Builder maxSlowTierRatio(Double v) {
            return set(13, v);
        }

        public Builder maxImbalanceRatio(Double v) {
            return set(14, v);
        }

        public Builder maxLocalDsqDepth(Long v) {
            return set(15, v);
        }

        public Builder failOnStall(Boolean v) {
            return set(16, v);
        }

        public Builder maxFallbackRate(Double v) {
            return set(18, v);
        }

        public Builder maxKeepLastRate(Double v) {
            return set(19, v);
        }

        public Builder sustainedSamples(Integer v) {
            return set(17, v);
        }

        public Builder cleanupBudgetMs(Long v) {
            return set(20, v);
        }

        /** Sets the n-th (1-based) record component; keeps the builder short without 20 hand-written copies. */
        private Builder set(int component, Object v) {
            return edit(l -> {
                try {
                    var comps = ThresholdLayer.class.getRecordComponents();
                    Object[] args = new Object[comps.length];
                    for (int i = 0; i < comps.length; i++) {
                        args[i] = comps[i].getAccessor().invoke(l);
                    }
                    args[component - 1] = v;
                    Class<?>[] types = new Class<?>[comps.length];
                    for (int i = 0; i < comps.length; i++) {
                        types[i] = comps[i].getType();
                    }
                    return ThresholdLayer.class.getDeclaredConstructor(types).newInstance(args);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        public ThresholdLayer layer() {
            ThresholdLayer l = ThresholdLayer.EMPTY;
            for (var e : edits) {
                l = e.apply(l);
            }
            return l;
        }

        public Thresholds build() {
            return resolve(mode, layer());
        }
    }
}
