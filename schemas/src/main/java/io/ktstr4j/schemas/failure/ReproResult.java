package io.ktstr4j.schemas.failure;

import java.util.List;
import java.util.Map;

/**
 * Outcome of an auto-repro VM.
 *
 * @param durationMs how long the repro VM ran
 * @param reproduced the failure happened again
 * @param events     decoded probe events, one line each
 * @param tails      last lines of named logs ({@code scheduler_log}, {@code sched_ext_dump}, {@code dmesg})
 */
public record ReproResult(long durationMs, boolean reproduced, List<String> events, Map<String, List<String>> tails) {
    public ReproResult {
        events = io.ktstr4j.schemas.Validate.list("events", events);
        tails = tails == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(tails));
    }
}
