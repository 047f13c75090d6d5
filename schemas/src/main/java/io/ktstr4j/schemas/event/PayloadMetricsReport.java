package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.report.PayloadMetrics;

/** Metrics of one payload run (PMET message). */
public record PayloadMetricsReport(PayloadMetrics metrics) implements GuestMessage {
    public PayloadMetricsReport {
        Validate.required("metrics", metrics);
    }
}
