package io.ktstr4j.pipeline;

import io.ktstr4j.pipeline.checks.MonitorChecks;
import io.ktstr4j.pipeline.host.HostContextReader;
import io.ktstr4j.schemas.event.DumpRequested;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.EventsDropped;
import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunSidecar;
import io.ktstr4j.schemas.event.RunVerdict;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.VmConfig;
import io.ktstr4j.vmm.channel.GuestLink;
import io.ktstr4j.vmm.initramfs.GuestImage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import io.ktstr4j.schemas.sidecar.RunExecution;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Runs one variant as a {@code Flux<RunEvent>}: build the initramfs, create the VM through the backend, merge VM
 * events, guest messages and monitor samples and snapshots, then append the verdict, the failure report (non-pass only),
 * the result (sidecar) and finally the VM exit. Every body is wrapped with the run id (the caller's: one per
 * {@code ktstr4j run} command, shared by its variants), the variant key, a sequence number from 0 and a timestamp.
 *
 * <ul>
 *   <li>Cancelling the subscription closes the VM (Flux.usingWhen) and releases everything. A VM that ended by
 *       itself is released in the background once its events are in ({@link #awaitClosed} waits for it).</li>
 *   <li>Errors (bad config, backend failure) become an ERROR verdict at the end of the stream, not an error signal.</li>
 *   <li>The live part is requested unbounded from the VM and buffered up to {@code bufferSize} events and
 *       {@link #MAX_BUFFER_BYTES} ({@link EventWeight}); a slow subscriber makes the oldest buffered events drop
 *       (and, when the bytes are full, the newest: a guest sending 64 KiB lines cannot fill 8192 slots with them),
 *       counted and reported as {@code run.dropped} (stage {@code live}) instead of stalling vCPUs. The verdict is
 *       computed from every event, dropped or not; what {@link RunRecorder} did not keep is reported as
 *       {@code run.dropped} with stage {@code recorder}.</li>
 * </ul>
 */
public final class VariantRunner {

    public static final int DEFAULT_BUFFER = 8192;
    /** Weight of the events buffered for a slow subscriber, per run. */
    public static final long MAX_BUFFER_BYTES = 32L << 20;
    /** Guard on top of the VM watchdog: a run whose streams never complete is ended as an infrastructure error. */
    public static final Duration HARD_LIMIT_SLACK = Duration.ofSeconds(30);

    private final VmBackend backend;
    private final GuestImage image;
    private final GuestLink.Factory links;
    private final MonitorSource monitor;
    private final Clock clock;
    /** Results of the baselines of this runner's runs, for the variants judged against them ({@code relative_to}). */
    private final Baselines baselines = new Baselines();
    private final int bufferSize;
    private final boolean verbose;
    /** The VMs created and not closed yet (a gauntlet runs several at once). */
    private final java.util.Set<Vm> openVms = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** VMs being created (guarded by openVms): a cancelled run's VM may still be on its way, and is closed after. */
    private int creating;

    public VariantRunner(VmBackend backend, GuestImage image, GuestLink.Factory links, MonitorSource monitor,
                         Clock clock, int bufferSize, boolean verbose) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.image = Objects.requireNonNull(image, "image");
        this.links = links == null ? GuestLink.Factory.NONE : links;
        this.monitor = monitor == null ? MonitorSource.NONE : monitor;
        this.clock = clock == null ? Clock.systemUTC() : clock;
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize: " + bufferSize + " must be at least 1");
        }
        this.bufferSize = bufferSize;
        this.verbose = verbose;
    }

    public String backendName() {
        return backend.name();
    }

    /** Whether the backend emulates the guest's CPUs in software (QEMU's TCG), rather than running them in hardware. */
    public boolean softwareEmulated() {
        return backend.softwareEmulated();
    }

    /** Runs the variant as a run of its own (a fresh run id): for tests and one-variant tools. */
    public Flux<RunEvent> run(Variant v) {
        return run(RunIds.next(), v, s -> { });
    }

    /** Runs the variant as a run of its own (a fresh run id): for tests and one-variant tools. */
    public Flux<RunEvent> run(Variant v, Consumer<RunSummary> onDone) {
        return run(RunIds.next(), v, onDone);
    }

    /** Runs the variant as part of the run {@code runId}. */
    public Flux<RunEvent> run(String runId, Variant v) {
        return run(runId, v, s -> { });
    }

    /**
     * Runs the variant as part of the run {@code runId} (one {@code ktstr4j run} command: every variant it runs gets
     * the same id; event ids stay unique by the variant key); {@code onDone} gets the verdict, sidecar and timings
     * just before the stream's tail.
     */
    public Flux<RunEvent> run(String runId, Variant v, Consumer<RunSummary> onDone) {
        return run(runId, v, v.key(), () -> null, onDone);
    }

    /**
     * Runs the variant as one execution of a gauntlet: its events and result carry {@code streamKey} (the variant's
     * key, or that of a later trial or a retry), and its result the {@code execution} facts, asked for when the run is
     * evaluated (the gauntlet knows by then which VMs ran beside it).
     */
    public Flux<RunEvent> run(String runId, Variant v, String streamKey, Supplier<RunExecution> execution,
                              Consumer<RunSummary> onDone) {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(v, "variant");
        Objects.requireNonNull(streamKey, "streamKey");
        Objects.requireNonNull(execution, "execution");
        Objects.requireNonNull(onDone, "onDone");
        return Flux.defer(() -> {
            Instant startedAt = clock.instant();
            if (v.skipReason() != null) {
                Envelope env = new Envelope(runId, streamKey, clock);
                return Flux.defer(() -> {
                    Evaluation.Outcomes o = Evaluation.skipped(runId, v, startedAt, HostContextReader.current());
                    SidecarResult result = stamped(o.sidecar(), streamKey, execution);
                    baselines.offer(runId, v, result);
                    onDone.accept(new RunSummary(runId, v, o.verdict(), result,
                            new RunTimings(0, -1, -1, -1, 0, 0), 0, null));
                    return Flux.<EventBody>just(new RunVerdict(o.verdict()), new RunSidecar(result));
                }).subscribeOn(Schedulers.boundedElastic()).map(env::wrap); // the sidecar's facts ask git and /proc
            }
            RunRecorder rec = new RunRecorder();
            RunSignals signals = new RunSignals();
            AtomicLong buffered = new AtomicLong();
            Envelope env = new Envelope(runId, streamKey, clock);
            String monitorOff = monitor.unavailableReason(v);
            boolean monitorRan = monitorOff == null;
            rec.monitorProblem(monitorOff);
            Duration vmWatchdog = v.watchdog().multipliedBy(backend.timeScale());
            Duration hardLimit = vmWatchdog.plus(HARD_LIMIT_SLACK);

            // Stamped where the recorder observes them, not where the consumer takes them: an event that waited in the
            // buffer keeps the time it happened (the monitor's clock and SCENARIO_START agree with the timestamps).
            // Cancelled while the VM was being made: the VM that comes too late is closed by whichever side comes
            // second (the cancel or the creation), not left to the operators' discard hooks, which a cancel racing a
            // subscribeOn task can miss (a full-tier cancel cycle left a VM open that way).
            AtomicReference<Object> made = new AtomicReference<>();
            Flux<Envelope.Observed> live = Flux.usingWhen(
                            Mono.fromCallable(() -> {
                                        Vm vm = createVm(v);
                                        if (!made.compareAndSet(null, vm)) {
                                            close(vm, rec).subscribe();
                                            throw new java.util.concurrent.CancellationException("run cancelled");
                                        }
                                        return vm;
                                    }).subscribeOn(Schedulers.boundedElastic())
                                    .doOnNext(vm -> made.set(HANDED_OVER)) // from here usingWhen closes it
                                    .doOnCancel(() -> {
                                        if (made.getAndSet(CANCELLED) instanceof Vm vm) {
                                            close(vm, rec).subscribe(); // idempotent if usingWhen closes it too
                                        }
                                    }),
                            vm -> liveEvents(vm, v, monitorRan, rec, signals),
                            vm -> closeEnded(vm, rec),
                            (vm, err) -> close(vm, rec),
                            vm -> close(vm, rec))
                    .doOnNext(e -> {
                        rec.observe(e);
                        signals.observe(e);
                    })
                    .takeUntilOther(Mono.delay(hardLimit).doOnNext(x -> rec.infrastructureError(
                            new IllegalStateException("the run did not finish within " + hardLimit.toSeconds()
                                    + " s (VM watchdog " + vmWatchdog.toSeconds() + " s + slack)"))))
                    .onErrorResume(e -> {
                        rec.infrastructureError(e);
                        return Flux.empty();
                    })
                    // The VM's exit is re-emitted last, after the verdict and result.
                    .filter(e -> !(e instanceof VmExited))
                    .filter(e -> admit(e, buffered, rec))
                    .map(e -> new Envelope.Observed(clock.instant(), e))
                    .onBackpressureBuffer(bufferSize, dropped -> {
                        buffered.addAndGet(-EventWeight.of(dropped.body()));
                        rec.dropped(1);
                    }, BufferOverflowStrategy.DROP_OLDEST)
                    .doOnNext(e -> buffered.addAndGet(-EventWeight.of(e.body())));

            Flux<EventBody> tail = Flux.defer(() -> {
                Evaluation.Outcomes o = Evaluation.evaluate(runId, v, rec, startedAt, monitorRan,
                        HostContextReader.current(), backend.softwareEmulated(), baselines);
                SidecarResult result = stamped(o.sidecar(), streamKey, execution);
                baselines.offer(runId, v, result);
                rec.evaluated();
                onDone.accept(new RunSummary(runId, v, o.verdict(), result, rec.timings(), rec.droppedEvents(),
                        rec.infrastructureCause()));
                List<EventBody> out = new ArrayList<>();
                if (rec.droppedEvents() > 0) {
                    out.add(new EventsDropped("live", rec.droppedEvents()));
                }
                if (rec.discarded() > 0) {
                    out.add(new EventsDropped("recorder", rec.discarded()));
                }
                out.add(new RunVerdict(o.verdict()));
                if (o.failureReport() != null) {
                    out.add(o.failureReport());
                }
                out.add(new RunSidecar(result));
                if (rec.vmExited() != null) {
                    out.add(rec.vmExited());
                }
                return Flux.fromIterable(out);
            }).subscribeOn(Schedulers.boundedElastic()); // evaluation reads files and runs git: not on a timer thread
            return live.map(o -> env.wrap(o.body(), o.at())).concatWith(tail.map(env::wrap));
        });
    }

    /** The result under the execution's key, with its execution facts (none outside a gauntlet). */
    private static SidecarResult stamped(SidecarResult r, String streamKey, Supplier<RunExecution> execution) {
        RunExecution e = execution.get();
        if (e == null && streamKey.equals(r.variantKey())) {
            return r;
        }
        return r.toBuilder().variantKey(streamKey).execution(e).build();
    }

    /** Lets an event into the buffer while the buffered weight stays within MAX_BUFFER_BYTES (an empty buffer takes any). */
    private static boolean admit(EventBody e, AtomicLong buffered, RunRecorder rec) {
        long w = EventWeight.of(e);
        long now = buffered.get();
        if (now > 0 && now + w > MAX_BUFFER_BYTES) {
            rec.dropped(1);
            return false;
        }
        buffered.addAndGet(w);
        return true;
    }

    private Vm createVm(Variant v) throws Exception {
        if (v.kernel() == null) {
            throw new IllegalArgumentException("kernel: no kernel image given (use --kernel or $KTSTR4J_KERNEL)");
        }
        synchronized (openVms) {
            creating++;
        }
        try {
            List<Path> archives = image.build(guestContents(v));
            VmConfig cfg = new VmConfig(v.kernel(), archives, v.topology(), v.memoryMb(), v.kargs(),
                    VmConfig.DEFAULT_SHM_BYTES, v.watchdog(), verbose);
            Vm vm = backend.create(cfg);
            synchronized (openVms) {
                openVms.add(vm);
            }
            return vm;
        } finally {
            synchronized (openVms) {
                creating--;
                openVms.notifyAll();
            }
        }
    }

    /**
     * Waits until every VM this runner created is closed (a cancelled run closes its VM on a thread of its own, after
     * the cancel returns) and none is being created, at most {@code timeout}; false when some is still open.
     */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (openVms) {
            while (!openVms.isEmpty() || creating > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(openVms, left);
            }
        }
        return true;
    }

    private void closed(Vm vm) {
        synchronized (openVms) {
            openVms.remove(vm);
            openVms.notifyAll();
        }
    }

    /** The image may take half of the guest's RAM. */
    private static GuestImage.Contents guestContents(Variant v) {
        SchedulerChoice s = v.scheduler();
        return new GuestImage.Contents(v.plan(), v.memoryMb() * 1024 * 1024 / 2, v.includeFiles(),
                s.isSchedExt() ? new GuestImage.Scheduler(s.binary(), s.args(), s.opsName()) : null,
                s.builtin() == null ? null
                        : new GuestImage.Builtin(s.builtin().shell(), s.builtin().enable(), s.builtin().disable()));
    }

    private Flux<EventBody> liveEvents(Vm vm, Variant v, boolean monitorRan, RunRecorder rec, RunSignals signals) {
        GuestLink link = links.open(vm);
        Sinks.Empty<Void> gone = Sinks.empty();
        Sinks.Empty<Void> created = Sinks.empty();
        Mono<Void> vmGone = gone.asMono();
        Flux<EventBody> vmEvents = vm.events()
                .doOnNext(e -> {
                    if (e instanceof VmCreated) {
                        created.tryEmitEmpty();
                    } else if (e instanceof VmExited) {
                        created.tryEmitEmpty();
                        gone.tryEmitEmpty();
                    }
                })
                .doFinally(s -> {
                    created.tryEmitEmpty();
                    gone.tryEmitEmpty();
                })
                .cast(EventBody.class);
        vmEvents = link.withCom2Messages(vmEvents);
        // Guest memory is valid from VmCreated on: the guest link and the monitor start only then.
        Flux<EventBody> guest = created.asMono().thenMany(Flux.defer(() -> link.messages(vmGone)))
                .cast(EventBody.class);
        Flux<EventBody> monitored = Flux.empty();
        if (monitorRan) {
            MonitorContext ctx = new MonitorContext(vmGone, signals.scenarioStart(), rec::monitorProblem,
                    rec::sinceVmMs);
            Flux<EventBody> src = created.asMono().thenMany(Flux.defer(() -> monitor.open(vm, v, ctx)));
            monitored = v.scheduler().isSchedExt()
                    ? src.publish(shared -> Flux.merge(shared,
                            // Judged while the test runs, as in the verdict (RunRecorder#judgedSamples).
                            MonitorChecks.violations(shared.ofType(MonitorSample.class)
                                            .skipUntilOther(signals.scenarioStart())
                                            .takeUntilOther(signals.result()), v.thresholds()).take(1)
                                    .map(viol -> requestDump(link, viol.message()))))
                    : src;
        }
        return Flux.merge(vmEvents, guest, monitored);
    }

    /** Asks the guest for a sched_ext dump (SysRq-D), once per run. */
    private static EventBody requestDump(GuestLink link, String why) {
        try {
            link.requestDump();
        } catch (RuntimeException e) {
            return new DumpRequested(why + " (dump request could not be written: " + e.getMessage() + ")");
        }
        return new DumpRequested(why);
    }

    /**
     * The VM ended by itself and its events are all in: what is left is handing guest RAM back (the unmap frees every
     * page the guest touched, ~20 ms for a tiny guest), which the verdict does not need. It goes on in the background,
     * counted in {@link #openVms}, so {@link #awaitClosed} (a gauntlet's end, a cancel) still waits for it.
     */
    /** Marks a run whose VM creation was cancelled, and one whose VM usingWhen took (and so closes). */
    private static final Object CANCELLED = new Object();
    private static final Object HANDED_OVER = new Object();

    private Mono<Void> closeEnded(Vm vm, RunRecorder rec) {
        return Mono.fromRunnable(() -> {
            countDropped(vm, rec); // final: the VM's events completed
            rec.closed();
            try {
                Schedulers.boundedElastic().schedule(() -> release(vm));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                release(vm); // the scheduler is shut down (the JVM is exiting): release here
            }
        });
    }

    /** Stops the VM if it still runs and releases it; blocks until then (on a thread of boundedElastic). */
    private Mono<Void> close(Vm vm, RunRecorder rec) {
        return Mono.<Void>fromRunnable(() -> {
            try {
                release(vm);
                countDropped(vm, rec);
            } finally {
                rec.closed();
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private void release(Vm vm) {
        try {
            vm.close();
        } finally {
            closed(vm);
        }
    }

    private static void countDropped(Vm vm, RunRecorder rec) {
        // the VM's own bounded buffer (never full here: this runner requests unbounded); counted as run.dropped
        long lost = vm.droppedEvents();
        if (lost > 0) {
            rec.dropped(lost);
        }
    }
}
