package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.report.WorkerReport;
import java.util.List;

/** Reports of all workers of one cgroup (WREP message, ktstr4j extension). */
// The guest's WREP payload has no "type" field; inside a RunEvent the body's "type" still applies.
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NONE)
public record WorkerReports(String cgroup, List<WorkerReport> reports) implements GuestMessage {
    public WorkerReports {
        Validate.nonBlank("cgroup", cgroup);
        reports = Validate.list("reports", reports);
    }
}
