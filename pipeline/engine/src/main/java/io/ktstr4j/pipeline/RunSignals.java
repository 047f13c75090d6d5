package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.TestResult;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The moments of one run the monitor keys on, fired from the same place the {@link RunRecorder} observes events, so
 * the live monitor (snapshots, dump requests) and the verdict agree on when the test started and ended: SCENARIO_START
 * (the first one) and the guest's TEST_RESULT. A moment that never comes never signals; monitor streams end when the
 * VM is gone regardless.
 */
final class RunSignals {

    private final Sinks.One<ScenarioStart> scenarioStart = Sinks.one();
    private final Sinks.Empty<Void> result = Sinks.empty();

    /** Call with every event, after the recorder saw it. */
    void observe(EventBody e) {
        if (e instanceof ScenarioStart s) {
            scenarioStart.tryEmitValue(s); // only the first one counts
        } else if (e instanceof TestResult) {
            result.tryEmitEmpty();
        }
    }

    Mono<ScenarioStart> scenarioStart() {
        return scenarioStart.asMono();
    }

    /** Completes when the guest reported its result; what follows is its shutdown. */
    Mono<Void> result() {
        return result.asMono();
    }
}
