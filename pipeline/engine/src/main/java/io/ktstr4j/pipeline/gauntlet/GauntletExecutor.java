package io.ktstr4j.pipeline.gauntlet;

import io.ktstr4j.pipeline.RunSummary;
import io.ktstr4j.pipeline.Variant;
import io.ktstr4j.pipeline.VariantRelation;
import io.ktstr4j.schemas.sidecar.RunExecution;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a gauntlet's executions as one bounded-concurrency flow: a VM starts when the {@link CpuBudget} admits its
 * vCPUs beside those running (first fit in plan order, so small variants pack around a large one, which runs alone
 * when it exceeds the budget) and when the {@link HostReservation} holds enough host CPUs against other processes. A
 * variant judged against a baseline waits for it. An infrastructure failure (the guest never reached init) is retried
 * up to {@code retries} times, each attempt reported; a FAIL never is.
 *
 * <p>All decisions are taken on one thread of the gauntlet's own; VMs run on their own threads and hand their end
 * over to it. {@link #cancel} stops every running VM (their verdict-less executions are reported
 * {@link GauntletEvent.Cancelled}, the queued ones {@link GauntletEvent.NotStarted}), waits until the launcher has
 * released them, and completes the flow.
 */
public final class GauntletExecutor {

    /** How often a gauntlet waiting for host CPUs held by another process tries again. */
    static final Duration LOCK_POLL = Duration.ofMillis(250);
    /** A ready execution that does not fit lets at most this many later ones start past it, then they wait for it. */
    static final int MAX_BYPASS = 8;
    /** How long a cancelled gauntlet waits for its VMs to be torn down. */
    static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(30);

    /** Starts one execution: a cold flux whose end (or cancellation) means its VM is gone or going. */
    public interface Launcher {
        /**
         * The execution's run; {@code facts} gives the result's execution record when it is evaluated, {@code onDone}
         * receives its verdict.
         */
        Flux<?> launch(Execution e, Supplier<RunExecution> facts, Consumer<RunSummary> onDone);

        /** Blocks until every VM of this launcher is torn down, at most {@code timeout}; false if some is not. */
        default boolean awaitReleased(Duration timeout) {
            return true;
        }
    }

    private final CpuBudget budget;
    private final HostReservation host;
    private final Launcher launcher;
    private final int retries;
    private final Scheduler loop = Schedulers.newSingle("ktstr4j-gauntlet", true);
    private final Sinks.Many<GauntletEvent> out = Sinks.many().unicast().onBackpressureBuffer();
    private final AtomicBoolean used = new AtomicBoolean();

    // Below: only touched on `loop`.
    private final List<Queued> queue = new ArrayList<>();
    private final List<Running> running = new ArrayList<>();
    private final Set<String> baselinesDone = new HashSet<>();
    private final Set<String> baselinesLost = new HashSet<>();
    private int runningVms;
    private int usedVcpus;
    private String cancelReason;
    private boolean pollPending;
    private boolean completing;
    /** A task of the gauntlet's thread threw: the flow ends with it. */
    private Throwable failure;

    public GauntletExecutor(CpuBudget budget, HostReservation host, Launcher launcher, int retries) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.host = host == null ? HostReservation.NONE : host;
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        if (retries < 0) {
            throw new IllegalArgumentException("--retries: " + retries + " must not be negative");
        }
        this.retries = retries;
    }

    public CpuBudget budget() {
        return budget;
    }

    /**
     * Runs every variant {@code trials} times; the flow ends when every execution has ended (or, cancelled, when
     * every VM is released). Once per executor.
     */
    public Flux<GauntletEvent> run(List<Variant> variants, int trials) {
        if (trials < 1) {
            throw new IllegalArgumentException("--trials: " + trials + " must be at least 1");
        }
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("a gauntlet executor runs once");
        }
        List<Queued> planned = new ArrayList<>();
        // Trial by trial: a first result of every variant comes before any second one.
        for (int t = 1; t <= trials; t++) {
            for (Variant v : variants) {
                planned.add(new Queued(Execution.first(v, t, trials)));
            }
        }
        // Queued now, on the gauntlet's thread, so a cancel that comes before the subscriber finds them (and reports
        // them not started, buffered for the subscriber); they start once someone reads the flow.
        onLoop(() -> queue.addAll(planned));
        return out.asFlux()
                .doOnSubscribe(s -> onLoop(this::pump))
                .doOnCancel(() -> cancel("the gauntlet's reader went away"));
    }

    /**
     * Runs {@code task} on the gauntlet's thread. A task that throws (a lock file that cannot be opened, a bug) does
     * not stall the gauntlet: it is cancelled, and the flow ends with that error once its VMs are released.
     */
    private void onLoop(Runnable task) {
        if (loop.isDisposed()) {
            return; // the gauntlet is over
        }
        try {
            loop.schedule(() -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                    stop("Cancelled: the gauntlet failed: " + (t.getMessage() != null ? t.getMessage() : t));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // disposed meanwhile: the gauntlet ended
        }
    }

    /**
     * Stops the gauntlet: running VMs are stopped, queued executions never start. Idempotent; any thread; after the
     * gauntlet ended it does nothing.
     */
    public void cancel(String reason) {
        onLoop(() -> stop(reason));
    }

    private void stop(String reason) {
        if (cancelReason != null) {
            maybeComplete();
            return;
        }
        cancelReason = reason;
        for (Running r : List.copyOf(running)) {
            if (r.summary.get() != null) {
                continue; // its verdict is in: it ends on its own in a moment
            }
            r.subscription.dispose();
            // the host CPUs stay held until its VM is torn down (awaitReleased): nothing new starts anyway
            remove(r, false);
            RunSummary late = r.summary.get();
            if (late != null) { // the verdict came in while it was being stopped: it finished
                out.emitNext(new GauntletEvent.Finished(r.execution, late, r.peak.get(), null),
                        Sinks.EmitFailureHandler.FAIL_FAST);
                continue;
            }
            lost(r.execution);
            out.emitNext(new GauntletEvent.Cancelled(r.execution, reason,
                    (System.nanoTime() - r.startNanos) / 1_000_000), Sinks.EmitFailureHandler.FAIL_FAST);
        }
        notStartedAll(reason);
        maybeComplete();
    }

    private void notStartedAll(String reason) {
        for (Queued q : queue) {
            out.emitNext(new GauntletEvent.NotStarted(q.execution, reason), Sinks.EmitFailureHandler.FAIL_FAST);
        }
        queue.clear();
    }

    /** Starts what fits, in plan order; called whenever something changed. */
    private void pump() {
        if (cancelReason != null) {
            maybeComplete(); // what was still running when it was cancelled may have been the last
            return;
        }
        Queued blocker = null;
        for (int i = 0; i < queue.size(); i++) {
            Queued q = queue.get(i);
            Execution e = q.execution;
            String lostBaseline = baselineLost(e);
            if (lostBaseline != null) {
                queue.remove(i--);
                out.emitNext(new GauntletEvent.NotStarted(e, "its baseline " + lostBaseline + " has no result"),
                        Sinks.EmitFailureHandler.FAIL_FAST);
                continue;
            }
            if (!baselineReady(e)) {
                continue;
            }
            int cost = cost(e);
            if (cost > 0 && !budget.admits(runningVms, usedVcpus, cost)) {
                if (blocker == null) {
                    blocker = q;
                }
                continue;
            }
            if (blocker != null && blocker.bypassed >= MAX_BYPASS) {
                break; // the blocked one has waited enough: what is left is kept for it
            }
            if (cost > 0 && !host.reserve(budget.cpusFor(usedVcpus + cost))) {
                pollLater(); // another process holds the host CPUs this needs
                break;
            }
            if (blocker != null) {
                blocker.bypassed++;
            }
            queue.remove(i--);
            start(e, cost);
        }
        maybeComplete();
    }

    private void start(Execution e, int cost) {
        Running r = new Running(e, cost);
        running.add(r);
        if (cost > 0) {
            runningVms++;
            usedVcpus += cost;
            for (Running x : running) {
                x.peak.accumulateAndGet(usedVcpus, Math::max);
            }
        }
        out.emitNext(new GauntletEvent.Started(e, runningVms, usedVcpus), Sinks.EmitFailureHandler.FAIL_FAST);
        Supplier<RunExecution> facts = () -> new RunExecution(e.trial(), e.trials(), e.attempt(), e.retriedAfter(),
                budget.vmCpus(), budget.overcommit(), r.peak.get());
        Flux<?> run;
        try {
            run = launcher.launch(e, facts, r.summary::set);
        } catch (RuntimeException x) {
            run = Flux.error(x);
        }
        r.subscription = run.subscribe(x -> { },
                err -> onLoop(() -> ended(r, err)),
                () -> onLoop(() -> ended(r, null)));
    }

    private void ended(Running r, Throwable error) {
        if (!running.contains(r)) {
            return; // cancelled and reported already
        }
        remove(r, cancelReason == null);
        Execution e = r.execution;
        RunSummary s = r.summary.get();
        if (s == null) {
            String why = "the run ended without a verdict" + (error == null ? "" : ": " + error);
            lost(e);
            out.emitNext(new GauntletEvent.Cancelled(e, why, (System.nanoTime() - r.startNanos) / 1_000_000),
                    Sinks.EmitFailureHandler.FAIL_FAST);
        } else {
            Execution retry = null;
            if (cancelReason == null && retryable(s) && e.attempt() <= retries) {
                retry = e.retry(firstReason(s));
                queue.add(0, new Queued(retry));
            } else if (e.variant().relation() instanceof VariantRelation.Baseline) {
                baselinesDone.add(baselineId(e.variant().key(), e.trial()));
            }
            out.emitNext(new GauntletEvent.Finished(e, s, r.peak.get(), retry), Sinks.EmitFailureHandler.FAIL_FAST);
        }
        pump();
    }

    /** An infrastructure failure before the guest ran anything: the VM never reached init. A FAIL never is. */
    static boolean retryable(RunSummary s) {
        return s.verdict().outcome() == Outcome.ERROR && s.timings().bootToInitMs() < 0
                && s.variant().skipReason() == null;
    }

    private static String firstReason(RunSummary s) {
        List<Reason> rs = s.verdict().reasons();
        return rs.isEmpty() ? "ERROR" : rs.get(0).message();
    }

    /** It ended: its vCPUs are free; {@code shrink}: so are the host CPUs it no longer needs. */
    private void remove(Running r, boolean shrink) {
        running.remove(r);
        if (r.cost > 0) {
            runningVms--;
            usedVcpus -= r.cost;
            if (shrink) {
                host.shrink(runningVms == 0 ? 0 : budget.cpusFor(usedVcpus));
            }
        }
    }

    private void lost(Execution e) {
        if (e.variant().relation() instanceof VariantRelation.Baseline) {
            baselinesLost.add(baselineId(e.variant().key(), e.trial()));
        }
    }

    /** A baseline's result per trial: trial 2 of a judged variant waits for trial 2 of its baseline. */
    private static String baselineId(String key, int trial) {
        return key + "#" + trial;
    }

    private boolean baselineReady(Execution e) {
        return !(e.variant().relation() instanceof VariantRelation.JudgedAgainst j)
                || baselinesDone.contains(baselineId(j.baselineKey(), e.trial()));
    }

    private String baselineLost(Execution e) {
        if (!(e.variant().relation() instanceof VariantRelation.JudgedAgainst j)) {
            return null;
        }
        String id = baselineId(j.baselineKey(), e.trial());
        return baselinesLost.contains(id) && !baselinesDone.contains(id) ? j.baselineKey() : null;
    }

    /** vCPUs an execution occupies: a skipped variant boots nothing. */
    private static int cost(Execution e) {
        return e.variant().skipReason() != null ? 0 : e.vcpus();
    }

    private void pollLater() {
        if (!pollPending) {
            pollPending = true;
            loop.schedule(() -> onLoop(() -> {
                pollPending = false;
                pump();
            }), LOCK_POLL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void maybeComplete() {
        if (!queue.isEmpty() || !running.isEmpty() || completing) {
            return;
        }
        completing = true;
        // Tearing VMs down blocks: on a thread made for it; the host CPUs are let go once the VMs are gone, then the
        // flow ends on the gauntlet's thread.
        Mono.fromCallable(() -> launcher.awaitReleased(RELEASE_TIMEOUT))
                .subscribeOn(Schedulers.boundedElastic())
                .subscribe(ok -> { }, err -> onLoop(this::finish), () -> onLoop(this::finish));
    }

    private void finish() {
        try {
            host.close();
        } finally {
            if (failure != null) {
                out.emitError(failure, Sinks.EmitFailureHandler.FAIL_FAST);
            } else {
                out.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
            }
            loop.dispose();
        }
    }

    private static final class Queued {
        final Execution execution;
        int bypassed;

        Queued(Execution execution) {
            this.execution = execution;
        }
    }

    private static final class Running {
        final Execution execution;
        final int cost;
        final long startNanos = System.nanoTime();
        final AtomicInteger peak = new AtomicInteger();
        final AtomicReference<RunSummary> summary = new AtomicReference<>();
        Disposable subscription = () -> { };

        Running(Execution execution, int cost) {
            this.execution = execution;
            this.cost = cost;
        }
    }
}
