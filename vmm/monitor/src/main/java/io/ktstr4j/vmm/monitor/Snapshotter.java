package io.ktstr4j.vmm.monitor;

import io.ktstr4j.schemas.event.Snapshot;
import io.ktstr4j.schemas.monitor.BpfMapValue;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.ScxState;
import io.ktstr4j.vmm.hooks.VmFreezer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Freezes the guest, captures per-CPU run-queue state, sched_ext's state and the scheduler's BPF maps, resumes, and
 * reports how long the guest was frozen. Periodic captures are N equally spaced points inside 10–90% of the workload
 * window, anchored at SCENARIO_START: with W the workload duration, capture i fires at
 * {@code 0.1W + 0.8W * (i + 0.5) / N} (the midpoints of N equal slices). {@link #capture()} takes one on demand.
 *
 * <p>A capture never keeps the guest frozen past {@link Options#freezeBudget()}: the reading runs on a thread of its
 * own under a {@link ReadBudget} (bytes, rendered values, the same deadline), the capturing thread waits for it at
 * most until the deadline and thaws the guest in a {@code finally}. A capture whose budget ran out is still emitted,
 * with what was read by then and {@code incomplete = "budget_exceeded: …"}, and counted
 * ({@link MonitorErrors#SNAPSHOT_BUDGET}); it never fails the run. While a reader that overran is still busy, the next
 * capture does not freeze the guest at all.
 */
public final class Snapshotter {

    /** How long one capture may keep the guest frozen, unless {@link Options} say otherwise. */
    public static final Duration DEFAULT_FREEZE_BUDGET = Duration.ofSeconds(2);

    /**
     * @param mapFilter    which BPF maps to read, by kernel map name (e.g. {@code n -> n.endsWith(".bss")})
     * @param freezeBudget the longest a capture keeps the guest frozen (and reads)
     */
    public record Options(boolean readMaps, Predicate<String> mapFilter, Duration freezeBudget) {
        public Options {
            Objects.requireNonNull(mapFilter, "mapFilter");
            if (freezeBudget == null || freezeBudget.isNegative() || freezeBudget.isZero()) {
                throw new IllegalArgumentException("freezeBudget must be positive, got " + freezeBudget);
            }
        }

        public Options(boolean readMaps, Predicate<String> mapFilter) {
            this(readMaps, mapFilter, DEFAULT_FREEZE_BUDGET);
        }

        public static Options defaults() {
            return new Options(true, n -> true);
        }
    }

    /** What the reader thread found; each part is set once it is complete (so a late reader's parts are whole). */
    private static final class Reads {
        volatile List<CpuSnapshot> cpus = List.of();
        volatile ScxState scx;
        volatile List<BpfMapValue> maps = List.of();
    }

    private final MonitorSampler sampler;
    private final VmFreezer freezer;
    private final LongSupplier elapsedMs;
    private final Options options;
    private final Supplier<Scheduler> schedulerFactory;
    private final AtomicInteger nextIndex = new AtomicInteger();
    private final AtomicReference<Thread> reader = new AtomicReference<>();
    /** Built once, before the first freeze: resolving BTF types over the kernel's whole BTF is the slow part. */
    private volatile Readers readers;

    private record Readers(ScxStateReader scx, BpfMapReader maps) { }

    public Snapshotter(MonitorSampler sampler, VmFreezer freezer, LongSupplier elapsedMs, Options options) {
        this(sampler, freezer, elapsedMs, options, () -> Schedulers.newSingle("ktstr-snapshot", true));
    }

    public Snapshotter(MonitorSampler sampler, VmFreezer freezer, LongSupplier elapsedMs, Options options,
                       Supplier<Scheduler> schedulerFactory) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.freezer = freezer == null ? VmFreezer.NONE : freezer;
        this.elapsedMs = Objects.requireNonNull(elapsedMs, "elapsedMs");
        this.options = Objects.requireNonNull(options, "options");
        this.schedulerFactory = Objects.requireNonNull(schedulerFactory, "schedulerFactory");
    }

    /** Errors counted while reading (shared with the sampler). */
    public MonitorErrors errors() {
        return sampler.errors();
    }

    /** Offsets from SCENARIO_START of {@code n} periodic captures in a workload of {@code workload}. */
    public static List<Duration> schedule(int n, Duration workload) {
        if (n < 0) {
            throw new IllegalArgumentException("snapshot count must be >= 0, got " + n);
        }
        if (n > 0 && (workload == null || workload.isZero() || workload.isNegative())) {
            throw new IllegalArgumentException("periodic snapshots need a positive workload duration, got " + workload);
        }
        List<Duration> out = new ArrayList<>(n);
        long w = n == 0 ? 0 : workload.toNanos();
        for (int i = 0; i < n; i++) {
            out.add(Duration.ofNanos((long) (w * 0.1 + w * 0.8 * (i + 0.5) / n)));
        }
        return out;
    }

    /**
     * {@code n} periodic snapshots; the clock starts when {@code scenarioStart} emits its first signal (ktstr anchors
     * at the first SCENARIO_START). Completes after the last capture; if {@code scenarioStart} completes empty,
     * nothing is captured. Cancel to stop early (releases the capture thread).
     */
    public Flux<Snapshot> periodic(Publisher<?> scenarioStart, int n, Duration workload) {
        List<Duration> offsets = schedule(n, workload);
        if (n == 0) {
            return Flux.empty();
        }
        // Prepared while the guest boots, not at SCENARIO_START: in the nested KVM rig a cold JVM took seconds for it,
        // which made the first capture late.
        return Flux.using(schedulerFactory::get,
                sch -> Mono.fromRunnable(this::prepare).subscribeOn(sch)
                        .then(Mono.from(scenarioStart)).publishOn(sch)
                        .flatMapMany(start -> captures(offsets, sch.now(TimeUnit.NANOSECONDS), sch)),
                Scheduler::dispose);
    }

    /** One capture at each offset from {@code anchorNs} (on {@code sch}'s clock), one after another. */
    private Flux<Snapshot> captures(List<Duration> offsets, long anchorNs, Scheduler sch) {
        return Flux.fromIterable(offsets).concatMap(off -> {
            long wait = Math.max(0, anchorNs + off.toNanos() - sch.now(TimeUnit.NANOSECONDS));
            return Mono.delay(Duration.ofNanos(wait), sch).map(x -> capture());
        });
    }

    /**
     * Connection setup (QMP) and the readers' BTF lookups before the first capture, so they do not count as frozen
     * time (in the KVM rig the first capture took 374 ms with them inside, against 60 ms for the next ones).
     */
    private void prepare() {
        readers();
        try {
            freezer.prepare();
        } catch (RuntimeException e) {
            sampler.errors().count(MonitorErrors.FREEZE, "preparing the freezer failed (the first capture retries): "
                    + e.getMessage());
        }
    }

    /**
     * One snapshot now, blocking (freezes the guest at most {@link Options#freezeBudget()}): call it off Reactor's
     * parallel threads.
     */
    public Snapshot capture() {
        int index = nextIndex.getAndIncrement();
        Thread busy = reader.get();
        if (busy != null && busy.isAlive()) {
            String why = "budget_exceeded: the previous capture's reader is still busy; the guest was not frozen";
            sampler.errors().count(MonitorErrors.SNAPSHOT_BUDGET, why);
            return new Snapshot(index, elapsedMs.getAsLong(), 0, List.of(), null, List.of(), why);
        }
        long budgetNs = options.freezeBudget().toNanos();
        long at = elapsedMs.getAsLong(); // the moment the snapshot shows: when the guest was frozen
        long t0 = System.nanoTime();
        boolean frozen = false;
        try {
            freezer.freeze();
            frozen = true;
        } catch (RuntimeException e) {
            sampler.errors().count(MonitorErrors.FREEZE, "freeze failed, capturing a running guest: " + e.getMessage());
        }
        ReadBudget budget = new ReadBudget(ReadBudget.MAX_BYTES, ReadBudget.MAX_VALUES, t0 + budgetNs,
                System::nanoTime);
        Reads reads = new Reads();
        List<CpuSnapshot> cpus;
        ScxState scx;
        List<BpfMapValue> maps;
        try {
            Thread t = new Thread(() -> read(reads, budget), "ktstr-snapshot-read");
            t.setDaemon(true);
            reader.set(t);
            t.start();
            long left = t0 + budgetNs - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, left / 1_000_000), (int) (left % 1_000_000));
            }
            if (t.isAlive()) {
                budget.expire("the guest stayed frozen " + options.freezeBudget().toMillis() + " ms, its budget");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            budget.expire("the capturing thread was interrupted");
        } finally {
            // what was complete while the guest was frozen; a late reader's parts are not taken
            cpus = reads.cpus;
            scx = reads.scx;
            maps = reads.maps;
            if (frozen) {
                try {
                    freezer.thaw();
                } catch (RuntimeException e) {
                    sampler.errors().count(MonitorErrors.FREEZE, "thaw failed: " + e.getMessage());
                }
            }
        }
        long freezeNs = frozen ? System.nanoTime() - t0 : 0;
        String incomplete = null;
        if (budget.isExceeded()) {
            incomplete = "budget_exceeded: " + budget.reason();
            sampler.errors().count(MonitorErrors.SNAPSHOT_BUDGET, incomplete);
        }
        return new Snapshot(index, at, freezeNs, cpus, scx, maps, incomplete);
    }

    /** The reader thread's work: each part fails on its own; nothing thrown leaves the thread. */
    private void read(Reads reads, ReadBudget budget) {
        reads.cpus = readCpus();
        reads.scx = readScx();
        reads.maps = readMaps(budget);
    }

    /** {@link #capture()} on a bounded-elastic thread. */
    public Mono<Snapshot> captureAsync() {
        return Mono.fromCallable(this::capture).subscribeOn(Schedulers.boundedElastic());
    }

    private List<CpuSnapshot> readCpus() {
        try {
            return sampler.readNow();
        } catch (RuntimeException | StackOverflowError e) {
            sampler.errors().count(MonitorErrors.RQ, "snapshot: " + e.getMessage());
            return List.of();
        }
    }

    /** The readers, built on first use; a part whose reader cannot be built is counted and left out. */
    private Readers readers() {
        Readers r = readers;
        if (r == null) {
            ScxStateReader scx = null;
            BpfMapReader maps = null;
            try {
                scx = new ScxStateReader(sampler.kernel());
            } catch (RuntimeException | StackOverflowError e) {
                sampler.errors().count(MonitorErrors.SCX_STATE, "snapshot: " + e.getMessage());
            }
            if (options.readMaps() && sampler.kernel().symbols().has("map_idr")) {
                try {
                    maps = new BpfMapReader(sampler.kernel(), sampler.errors(), sampler.vcpus());
                } catch (RuntimeException | StackOverflowError e) {
                    sampler.errors().count(MonitorErrors.BPF_MAP, "snapshot: " + e.getMessage());
                }
            }
            r = new Readers(scx, maps);
            readers = r;
        }
        return r;
    }

    private ScxState readScx() {
        ScxStateReader reader = readers().scx();
        if (reader == null) {
            return null;
        }
        try {
            return reader.read();
        } catch (RuntimeException | StackOverflowError e) {
            sampler.errors().count(MonitorErrors.SCX_STATE, "snapshot: " + e.getMessage());
            return null;
        }
    }

    private List<BpfMapValue> readMaps(ReadBudget budget) {
        BpfMapReader reader = readers().maps();
        if (reader == null) {
            return List.of();
        }
        try {
            return reader.readAll(options.mapFilter(), budget);
        } catch (ReadBudget.Exceeded e) {
            return List.of();
        } catch (RuntimeException | StackOverflowError e) {
            sampler.errors().count(MonitorErrors.BPF_MAP, "snapshot: " + e.getMessage());
            return List.of();
        }
    }
}
