package io.ktstr4j.pipeline.checks;

import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.vmm.monitor.MonitorViolation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The monitor checks as Reactor operators over a sample stream. Each subscription gets its own
 * {@link MonitorEvaluator}, so the operators are reusable and cold. Only meaningful under a sched_ext scheduler;
 * callers skip them for EEVDF (see {@link VerdictMerger}).
 */
public final class MonitorChecks {

    private MonitorChecks() {
    }

    /** The run's monitor verdict once the sample stream completes. */
    public static Mono<MonitorConclusion> verdict(Flux<MonitorSample> samples, Thresholds t) {
        return Mono.defer(() -> {
            MonitorEvaluator ev = new MonitorEvaluator(t);
            return samples.doOnNext(ev::accept).then(Mono.fromSupplier(ev::finish));
        });
    }

    /** Violations as soon as they become sustained (live: drives dump requests while the VM still runs). */
    public static Flux<MonitorViolation> violations(Flux<MonitorSample> samples, Thresholds t) {
        return Flux.defer(() -> {
            MonitorEvaluator ev = new MonitorEvaluator(t);
            return samples.concatMapIterable(ev::accept);
        });
    }
}
