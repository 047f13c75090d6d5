package io.ktstr4j.pipeline.checks;

/** One check result that matters for the verdict: what kind and a message a person can act on. */
public record Finding(FindingKind kind, String message) {
    public Finding {
        if (kind == null || message == null) {
            throw new IllegalArgumentException("finding: kind and message are required");
        }
    }
}
