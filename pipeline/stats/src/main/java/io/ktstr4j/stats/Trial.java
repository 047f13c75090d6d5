package io.ktstr4j.stats;

import io.ktstr4j.schemas.metric.MetricDef;
import io.ktstr4j.schemas.metric.MetricRegistry;
import io.ktstr4j.schemas.sidecar.HostContext;
import io.ktstr4j.schemas.verdict.Outcome;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * One result, as the analysis sees it: who it is, how it ended, and its metric values. Built from a sidecar by
 * {@link Trials#of} or read from the results store; many trials share one {@link VariantDims}.
 *
 * @param id          the natural key's 64-bit id ({@link Trials#naturalKey})
 * @param runId       the run it belongs to
 * @param variantKey  ktstr4j's variant key, null for a ktstr sidecar
 * @param variant     the dimensions it shares with the trials of its variant
 * @param timestampMs the run's start, epoch milliseconds
 * @param outcome     PASS, FAIL, SKIP, INCONCLUSIVE or ERROR
 * @param host        the host context, or null
 * @param values      the registry metrics in {@link MetricRegistry#registry()} order, NaN where absent; not copied:
 *                    the array belongs to the trial
 * @param payload     the payload metrics
 */
public record Trial(long id, String runId, String variantKey, VariantDims variant, long timestampMs, Outcome outcome,
                    HostContext host, double[] values, List<MetricRegistry.PayloadValue> payload) {

    public Trial {
        if (values.length != MetricRegistry.registry().size()) {
            throw new IllegalArgumentException("values: " + values.length + " registry values, expected "
                    + MetricRegistry.registry().size());
        }
        payload = payload == null ? List.of() : List.copyOf(payload);
    }

    /** The value of a dimension, trial-level ones ({@code run}, {@code date}) included. */
    public String dim(Dimension d) {
        return switch (d) {
            case RUN -> runId;
            case DATE -> day();
            default -> variant.get(d);
        };
    }

    public String testName() {
        return variant.testName();
    }

    /** The UTC day of the timestamp, {@code 2026-12-03}. */
    public String day() {
        return Instant.ofEpochMilli(timestampMs).atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    /** Whether the trial counts in the means: it passed (a failed or skipped trial's numbers describe the failure). */
    public boolean counts() {
        return outcome == Outcome.PASS;
    }

    /** The value of a metric by name, null when this trial does not have it. */
    public Double value(String metric) {
        int i = MetricRegistry.indexOf(metric);
        if (i >= 0) {
            return Double.isNaN(values[i]) ? null : values[i];
        }
        for (MetricRegistry.PayloadValue p : payload) {
            if (p.def().name().equals(metric)) {
                return p.value();
            }
        }
        return null;
    }

    /** The definition of a payload metric this trial reports, or null. */
    public MetricDef payloadDef(String metric) {
        for (MetricRegistry.PayloadValue p : payload) {
            if (p.def().name().equals(metric)) {
                return p.def();
            }
        }
        return null;
    }
}
