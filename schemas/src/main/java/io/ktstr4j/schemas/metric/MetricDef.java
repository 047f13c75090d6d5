package io.ktstr4j.schemas.metric;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.report.Polarity;

/**
 * One comparable metric: its name, which direction is better, and its default dual gate (ktstr's {@code MetricDef}).
 * A delta is a change only when it passes both gates: {@code |b - a| >= defaultAbs} and
 * {@code |b - a| / |a| >= defaultRel}.
 *
 * @param name       the registry name (stable: sidecars, policies and CI gates quote it)
 * @param polarity   which direction is better
 * @param defaultAbs absolute gate, in the metric's unit
 * @param defaultRel relative gate, a fraction of the A side's value ({@code 0.25} = 25 %)
 * @param unit       display unit, may be empty
 * @param origin     the fixed registry or a payload's own metric
 * @param readFrom   where in a sidecar the value comes from (for {@code stats list-metrics})
 */
public record MetricDef(String name, Polarity polarity, double defaultAbs, double defaultRel, String unit,
                        Origin origin, String readFrom) {

    /** Where a metric is defined. */
    public enum Origin {
        /** ktstr's fixed registry ({@link MetricRegistry#registry()}). */
        REGISTRY,
        /** Reported by a payload in the sidecar's {@code metrics}, with its own polarity. */
        PAYLOAD
    }

    public MetricDef {
        Validate.nonBlank("name", name);
        Validate.required("polarity", polarity);
        if (!(defaultAbs >= 0)) throw new io.ktstr4j.schemas.InvalidFieldException("default_abs", defaultAbs + " is negative");
        if (!(defaultRel >= 0)) throw new io.ktstr4j.schemas.InvalidFieldException("default_rel", defaultRel + " is negative");
        unit = unit == null ? "" : unit;
        Validate.required("origin", origin);
        readFrom = readFrom == null ? "" : readFrom;
    }
}
