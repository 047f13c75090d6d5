package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.ScenarioStart;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;

/**
 * What a {@link MonitorSource} learns from the rest of the run.
 *
 * @param vmGone        completes when the VM has exited (stop sampling)
 * @param scenarioStart the guest's first SCENARIO_START (anchors periodic snapshots), as the run recorded it; never
 *                      signals when the scenario does not start (end on {@code vmGone} instead)
 * @param problems      why the run has less monitor data than it should (debug files unreadable, kernel never found
 *                      in guest RAM); shown with the verdict
 * @param sinceVmMs     ms since the VM was created, the clock of samples and snapshots ({@code elapsed_ms}): the run's
 *                      own, so that they line up with its events (a monitor that started its own clock when it was
 *                      subscribed ran 1.9 s behind in the KVM rig, where the VM's setup delays that subscription)
 */
public record MonitorContext(Mono<Void> vmGone, Mono<ScenarioStart> scenarioStart, Consumer<String> problems,
                             LongSupplier sinceVmMs) {

    public MonitorContext {
        Objects.requireNonNull(vmGone, "vmGone");
        scenarioStart = scenarioStart == null ? Mono.empty() : scenarioStart;
        problems = problems == null ? p -> { } : problems;
        if (sinceVmMs == null) {
            long t0 = System.nanoTime();
            sinceVmMs = () -> (System.nanoTime() - t0) / 1_000_000;
        }
    }

    /** A context whose clock starts now. */
    public MonitorContext(Mono<Void> vmGone, Mono<ScenarioStart> scenarioStart, Consumer<String> problems) {
        this(vmGone, scenarioStart, problems, null);
    }
}
