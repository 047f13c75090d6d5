package io.ktstr4j.stats;

import io.ktstr4j.schemas.metric.MetricDef;
import java.util.Map;
import java.util.TreeMap;

/**
 * ktstr's {@code ComparisonPolicy}: relative gates in percent. A metric's relative gate is its
 * {@code per_metric_percent} entry, else {@code default_percent}, else the metric's own default; the absolute gate is
 * always the metric's.
 *
 * @param defaultPercent   the relative gate of every metric not listed, in percent; null: each metric's default
 * @param perMetricPercent per metric name, in percent
 */
public record ComparisonPolicy(Double defaultPercent, Map<String, Double> perMetricPercent) {

    /** Each metric's own gates. */
    public static final ComparisonPolicy DEFAULTS = new ComparisonPolicy(null, Map.of());

    public ComparisonPolicy {
        perMetricPercent = perMetricPercent == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new TreeMap<>(perMetricPercent));
    }

    /** {@code --threshold PCT}: one relative gate for every metric. */
    public static ComparisonPolicy uniform(double percent) {
        return new ComparisonPolicy(percent, Map.of());
    }

    /** The relative gate of a metric, as a fraction. */
    public double relGate(MetricDef m) {
        Double p = perMetricPercent.get(m.name());
        if (p != null) {
            return p / 100.0;
        }
        return defaultPercent != null ? defaultPercent / 100.0 : m.defaultRel();
    }
}
