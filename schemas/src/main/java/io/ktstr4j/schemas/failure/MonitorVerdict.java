package io.ktstr4j.schemas.failure;

/** The host monitor's own verdict: passed, plus one line per violation. */
public record MonitorVerdict(boolean passed, java.util.List<String> details) {
    public MonitorVerdict {
        details = io.ktstr4j.schemas.Validate.list("details", details);
    }
}
