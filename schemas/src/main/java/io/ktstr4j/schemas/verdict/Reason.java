package io.ktstr4j.schemas.verdict;

import io.ktstr4j.schemas.Validate;

/** One reason behind a verdict. */
public record Reason(DetailKind kind, String message) {
    public Reason {
        Validate.required("kind", kind);
        message = message == null ? "" : message;
    }
}
