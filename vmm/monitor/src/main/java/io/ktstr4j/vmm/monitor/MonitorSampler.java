package io.ktstr4j.vmm.monitor;

import io.ktstr4j.schemas.event.DumpRequested;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.vmm.hooks.KvmStatsFile;
import io.ktstr4j.vmm.hooks.KvmStatsSource;
import io.ktstr4j.vmm.hooks.VcpuCpuTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Samples every vCPU's run queue from guest memory on a fixed period (100 ms by default) and emits
 * {@link MonitorSample}s; when a violation persists it asks the guest for a sched_ext dump and emits
 * {@link DumpRequested}.
 *
 * <p>{@link #events()} is cold: each subscription gets its own single sampling thread (a tick is a few bounded memory
 * copies, but vCPU CPU time may read procfs, so it stays off Reactor's parallel pool), and cancelling disposes it.
 * Until the kernel is found in guest RAM ticks emit nothing. Guest memory is untrusted: a failed read is counted in
 * {@link #errors()} and that sample is skipped; nothing that happens in guest memory ends the stream.
 */
public final class MonitorSampler {

    private static final Logger log = LoggerFactory.getLogger(MonitorSampler.class);

    /**
     * @param period             sampling period
     * @param thresholds         limits for the reactive-dump detector
     * @param schedDomains       read each CPU's sched-domain chain
     * @param preemptThresholdNs vCPU CPU-time advance below which a vCPU counts as preempted (see
     *                           {@link ViolationDetector#LIVE_PREEMPT_THRESHOLD_NS})
     * @param maxDumpRequests    dump requests per subscription (ktstr asks once)
     * @param dumpOnlyWithScx    only request a dump while a sched_ext scheduler is enabled
     */
    public record Options(Duration period, Thresholds thresholds, boolean schedDomains, long preemptThresholdNs,
                          int maxDumpRequests, boolean dumpOnlyWithScx) {
        public Options {
            Objects.requireNonNull(period, "period");
            Objects.requireNonNull(thresholds, "thresholds");
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("monitor period must be > 0, got " + period);
            }
        }

        public static Options defaults() {
            return new Options(Duration.ofMillis(100), Thresholds.resolve(ThresholdMode.RELEASE), true,
                    ViolationDetector.LIVE_PREEMPT_THRESHOLD_NS, 1, true);
        }

        public Options withPeriod(Duration p) {
            return new Options(p, thresholds, schedDomains, preemptThresholdNs, maxDumpRequests, dumpOnlyWithScx);
        }

        public Options withThresholds(Thresholds t) {
            return new Options(period, t, schedDomains, preemptThresholdNs, maxDumpRequests, dumpOnlyWithScx);
        }

        public Options withDumpOnlyWithScx(boolean b) {
            return new Options(period, thresholds, schedDomains, preemptThresholdNs, maxDumpRequests, b);
        }
    }

    private final GuestKernel kernel;
    private final int vcpus;
    private final Options options;
    private final VcpuCpuTime cpuTime;
    private final DumpRequester dump;
    private final LongSupplier elapsedMs;
    private final Supplier<Scheduler> schedulerFactory;
    private final MonitorErrors errors = new MonitorErrors();
    private volatile KvmStatsSource kvmStatsSource;
    private final Map<Integer, KvmStatsLayout> kvmLayouts = new ConcurrentHashMap<>();

    /**
     * @param elapsedMs ms since the VM started (the sample timestamp)
     */
    public MonitorSampler(GuestKernel kernel, int vcpus, Options options, VcpuCpuTime cpuTime, DumpRequester dump,
                          LongSupplier elapsedMs) {
        this(kernel, vcpus, options, cpuTime, dump, elapsedMs, () -> Schedulers.newSingle("ktstr-monitor", true));
    }

    /** As above with the scheduler ticks run on (tests pass a virtual-time scheduler). */
    public MonitorSampler(GuestKernel kernel, int vcpus, Options options, VcpuCpuTime cpuTime, DumpRequester dump,
                          LongSupplier elapsedMs, Supplier<Scheduler> schedulerFactory) {
        if (vcpus < 1) {
            throw new IllegalArgumentException("vcpus must be >= 1, got " + vcpus);
        }
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.vcpus = vcpus;
        this.options = Objects.requireNonNull(options, "options");
        this.cpuTime = cpuTime == null ? VcpuCpuTime.NONE : cpuTime;
        this.dump = dump == null ? DumpRequester.NONE : dump;
        this.elapsedMs = Objects.requireNonNull(elapsedMs, "elapsedMs");
        this.schedulerFactory = Objects.requireNonNull(schedulerFactory, "schedulerFactory");
    }

    public MonitorErrors errors() {
        return errors;
    }

    public GuestKernel kernel() {
        return kernel;
    }

    /** Samples and dump requests, one tick per period. Cold; cancel to stop (releases the sampling thread). */
    public Flux<EventBody> events() {
        return Flux.using(() -> new Session(schedulerFactory.get()),
                s -> Flux.interval(options.period(), s.scheduler)
                        .onBackpressureDrop(t -> errors.count(MonitorErrors.DROPPED_TICK, "subscriber too slow"))
                        .concatMapIterable(t -> s.tick()),
                Session::close);
    }

    /** Only the samples. */
    public Flux<MonitorSample> samples() {
        return events().ofType(MonitorSample.class);
    }

    /**
     * One synchronous reading of every vCPU (snapshots, benchmarks). Throws {@link KernelNotReadyException} before
     * the kernel is up and {@link io.ktstr4j.vmm.GuestMemoryException} when a run queue is unreadable.
     */
    public List<CpuSnapshot> readNow() {
        kernel.space();
        try {
            return readAll(newReader());
        } catch (RuntimeException e) {
            kernel.reattach();
            throw e;
        }
    }

    /** Adds each vCPU's KVM statistics ({@link KvmStatsLayout#SURFACED}) to its samples; set before {@link #samples()}. */
    public MonitorSampler withKvmStats(KvmStatsSource source) {
        this.kvmStatsSource = source;
        return this;
    }

    /** The surfaced KVM counters of {@code cpu}, or null (no source, no stats fd, or a failed read, which is counted). */
    Map<String, Long> kvmStats(int cpu) {
        KvmStatsSource src = kvmStatsSource;
        if (src == null) {
            return null;
        }
        try {
            Optional<KvmStatsFile> f = src.statsFile(cpu);
            if (f.isEmpty()) {
                return null;
            }
            KvmStatsLayout layout = kvmLayouts.computeIfAbsent(cpu, c -> KvmStatsLayout.layout(f.get()));
            return KvmStatsLayout.surfaced(layout.read(f.get()));
        } catch (RuntimeException e) {
            errors.count("kvm_stats", "vCPU " + cpu + ": " + e.getMessage());
            return null;
        }
    }

    List<CpuSnapshot> readAll(RqReader reader) {
        List<CpuSnapshot> cpus = new ArrayList<>(vcpus);
        for (int cpu = 0; cpu < vcpus; cpu++) {
            OptionalLong t = cpuTime.cpuTimeNs(cpu);
            cpus.add(reader.read(cpu, t.isPresent() ? t.getAsLong() : null, kvmStats(cpu)));
        }
        return cpus;
    }

    /** A fresh reader (not thread-safe: one per thread). */
    RqReader newReader() {
        return new RqReader(kernel, errors, options.schedDomains());
    }

    int vcpus() {
        return vcpus;
    }

    /** Per-subscription state: the sampling thread, a reader, the violation detector. */
    private final class Session {
        final Scheduler scheduler;
        // No one to ask for a dump (the pipeline judges the samples itself, MonitorChecks): no detector to run.
        final ViolationDetector detector = dump == DumpRequester.NONE ? null
                : new ViolationDetector(options.thresholds(), options.preemptThresholdNs());
        RqReader reader;
        ScxStateReader scx;
        int dumps;

        Session(Scheduler scheduler) {
            this.scheduler = scheduler;
        }

        List<EventBody> tick() {
            long now = elapsedMs.getAsLong();
            List<CpuSnapshot> cpus;
            try {
                kernel.space();
                if (reader == null) {
                    reader = newReader();
                    scx = new ScxStateReader(kernel);
                }
                cpus = readAll(reader);
            } catch (KernelNotReadyException e) {
                errors.count(MonitorErrors.ATTACH, e.getMessage());
                return List.of();
            } catch (RuntimeException e) {
                errors.count(MonitorErrors.RQ, String.valueOf(e.getMessage()));
                // Possibly attached before the kernel's paging variables were final: find the kernel again next tick.
                kernel.reattach();
                return List.of();
            }
            List<EventBody> out = new ArrayList<>(2);
            MonitorSample sample = new MonitorSample(now, cpus, null);
            out.add(sample);
            if (detector == null) {
                return out;
            }
            for (MonitorViolation v : detector.accept(sample)) {
                if (dumps < options.maxDumpRequests() && scxAllowsDump()) {
                    dumps++;
                    try {
                        dump.requestDump();
                        out.add(new DumpRequested(dumpReason(v)));
                    } catch (RuntimeException e) {
                        log.warn("dump request failed: {}", e.toString());
                    }
                }
            }
            return out;
        }

        private boolean scxAllowsDump() {
            if (!options.dumpOnlyWithScx()) {
                return true;
            }
            try {
                return scx.enabled();
            } catch (RuntimeException e) {
                errors.count(MonitorErrors.SCX_STATE, String.valueOf(e.getMessage()));
                return false;
            }
        }

        /** The violation's message, naming its CPU first ("cpu 1: ...") as the dump log does. */
        private static String dumpReason(MonitorViolation v) {
            return v.cpu() < 0 ? v.message() : "cpu " + v.cpu() + ": " + v.message();
        }

        void close() {
            scheduler.dispose();
        }
    }
}
