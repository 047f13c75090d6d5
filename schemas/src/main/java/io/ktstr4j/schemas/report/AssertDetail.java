package io.ktstr4j.schemas.report;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.verdict.DetailKind;

/** One finding of a check (ktstr {@code AssertDetail}). */
public record AssertDetail(DetailKind kind, String message) {
    public AssertDetail {
        Validate.required("kind", kind);
        message = message == null ? "" : message;
    }
}
