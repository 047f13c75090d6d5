package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.ScenarioStart;
import java.util.Objects;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * What a {@link MonitorSource} learns from the rest of the run.
 *
 * @param vmGone        completes when the VM has exited (stop sampling)
 * @param scenarioStart the guest's first SCENARIO_START (anchors periodic snapshots), as the run recorded it; never
 *                      signals when the scenario does not start (end on {@code vmGone} instead)
 * @param problems      why the run has less monitor data than it should (debug files unreadable, kernel never found
 *                      in guest RAM); shown with the verdict
 */
public record MonitorContext(Mono<Void> vmGone, Mono<ScenarioStart> scenarioStart, Consumer<String> problems) {

    public MonitorContext {
        Objects.requireNonNull(vmGone, "vmGone");
        scenarioStart = scenarioStart == null ? Mono.empty() : scenarioStart;
        problems = problems == null ? p -> { } : problems;
    }
}
