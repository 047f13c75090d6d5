package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Check;
import io.ktstr4j.schemas.report.PayloadMetrics;

/** Metrics of one payload run (PMET message). */
public record PayloadMetricsEvent(PayloadMetrics metrics) implements GuestMessage {
    public PayloadMetricsEvent {
        Check.required("metrics", metrics);
    }
}
