package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.vmm.hooks.MonitorHooks;
import io.ktstr4j.vmm.monitor.DumpRequester;
import io.ktstr4j.vmm.monitor.GuestKernel;
import io.ktstr4j.vmm.monitor.MonitorErrors;
import io.ktstr4j.vmm.monitor.MonitorSampler;
import io.ktstr4j.vmm.monitor.Snapshotter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * The monitor of one running VM: a {@link MonitorSampler} every period and, when the variant asks for them,
 * {@link Snapshotter} captures at N equally spaced points of the workload (anchored at SCENARIO_START). Each runs on
 * its own single thread (created on subscription, disposed on cancel or completion), never on Reactor's parallel
 * pool. Dump requests are not made here: the runner asks for a dump when the variant's own monitor checks see a
 * sustained violation, so the dump and the verdict agree on what went wrong.
 */
final class MonitorSession {

    private static final Logger log = LoggerFactory.getLogger(MonitorSession.class);

    private final MonitorSampler sampler;
    private final Snapshotter snapshotter;
    private final Variant variant;
    private final MonitorContext context;
    private final String freezerName;
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong snapshots = new AtomicLong();

    MonitorSession(GuestKernel kernel, Variant variant, MonitorHooks hooks, MonitorContext context,
                   MonitorSampler.Options sampling, Snapshotter.Options snapshotting, LongSupplier elapsedMs) {
        this.variant = variant;
        this.context = context;
        this.freezerName = hooks.freezerName();
        // DumpRequester.NONE: only samples() are used, see the class comment.
        this.sampler = new MonitorSampler(kernel, variant.topology().totalCpus(), sampling, hooks.cpuTime(),
                DumpRequester.NONE, elapsedMs).withKvmStats(hooks.kvmStats());
        this.snapshotter = new Snapshotter(sampler, hooks.freezer(), elapsedMs, snapshotting);
    }

    MonitorErrors errors() {
        return sampler.errors();
    }

    /** Samples and snapshots until the VM is gone; then says why there were none, if there were none. */
    Flux<EventBody> events() {
        Flux<EventBody> s = sampler.samples().doOnNext(x -> samples.incrementAndGet()).cast(EventBody.class);
        Flux<EventBody> snaps = Flux.empty();
        if (variant.numSnapshots() > 0) {
            snaps = snapshotter.periodic(context.scenarioStart(), variant.numSnapshots(), variant.duration())
                    .doOnNext(x -> snapshots.incrementAndGet())
                    .cast(EventBody.class);
        }
        // Problems are told before completion propagates, so the verdict (computed after the VM closes) has them.
        return Flux.merge(s, snaps)
                .takeUntilOther(context.vmGone())
                .doOnTerminate(() -> finish(true))
                .doOnCancel(() -> finish(false));
    }

    private void finish(boolean ended) {
        MonitorErrors e = sampler.errors();
        String summary = String.format(Locale.ROOT, "%s: monitor took %d samples and %d of %d snapshots (freezer %s); "
                        + "guest-memory read errors %s", variant.key(), samples.get(), snapshots.get(),
                variant.numSnapshots(), freezerName, e.snapshot());
        if (samples.get() == 0 && ended) {
            context.problems().accept(e.last() == null ? "the VM ended before the monitor's first sample"
                    : "last guest-memory read error: " + e.last());
        }
        if (e.total() > 0) {
            log.info("{}; last: {}", summary, e.last());
        } else {
            log.debug(summary);
        }
    }
}
