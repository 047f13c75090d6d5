package io.ktstr4j.schemas.report;

import io.ktstr4j.schemas.Validate;
import java.util.List;

/** Metrics of one payload invocation (ktstr {@code PayloadMetrics}, the PMET message payload). */
public record PayloadMetrics(int payloadIndex, List<Metric> metrics, int exitCode) {
    public PayloadMetrics {
        Validate.nonNegative("payload_index", payloadIndex);
        metrics = Validate.list("metrics", metrics);
    }
}
