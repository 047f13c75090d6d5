package io.ktstr4j.schemas.failure;

/** Run timeline: kernel, topology, scheduler, duration and phases. */
public record Timeline(String kernel, String topology, String scheduler, Long durationMs,
                       java.util.List<TimelinePhase> phases) {
    public Timeline {
        phases = io.ktstr4j.schemas.Validate.list("phases", phases);
    }
}
