package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.hooks.MonitorHooks;
import io.ktstr4j.vmm.monitor.GuestKernel;
import io.ktstr4j.vmm.monitor.KernelDebugFiles;
import io.ktstr4j.vmm.monitor.MonitorSampler;
import io.ktstr4j.vmm.monitor.Snapshotter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The real monitor: reads the running guest kernel's memory through {@link Vm#memory()} with the symbols and BTF
 * found next to the variant's kernel image ({@link KernelDebugFiles}), samples every vCPU's run queue every 100 ms and
 * takes the variant's periodic snapshots, freezing the guest through {@link Vm#monitorHooks()} (QMP stop/cont under
 * QEMU). Works for any backend whose VM exposes guest RAM.
 *
 * <p>Without symbols and BTF next to the kernel the monitor is unavailable and {@link #unavailableReason} says which
 * files it looked for (logged once per kernel; the verdict of a sched_ext run repeats it). Files that cannot be
 * parsed, or a kernel never found in guest RAM, are reported through {@link MonitorContext#problems()}; the run goes
 * on without monitor data.
 */
public final class GuestMonitorSource implements MonitorSource {

    private static final Logger log = LoggerFactory.getLogger(GuestMonitorSource.class);

    private final MonitorSampler.Options sampling;
    private final Snapshotter.Options snapshotting;
    private final KernelDebugCache cache = new KernelDebugCache();
    private final Set<Path> reported = ConcurrentHashMap.newKeySet();

    public GuestMonitorSource() {
        this(MonitorSampler.Options.defaults(), Snapshotter.Options.defaults());
    }

    public GuestMonitorSource(MonitorSampler.Options sampling, Snapshotter.Options snapshotting) {
        this.sampling = Objects.requireNonNull(sampling, "sampling");
        this.snapshotting = Objects.requireNonNull(snapshotting, "snapshotting");
    }

    @Override
    public String unavailableReason(Variant variant) {
        Path kernel = variant.kernel();
        Optional<KernelDebugFiles> files = KernelDebugFiles.find(kernel);
        if (files.isPresent()) {
            if (kernel != null && reported.add(kernel)) {
                log.debug("monitor for {}: {}", kernel, files.get().describe());
            }
            return null;
        }
        String why = KernelDebugFiles.explainMissing(kernel);
        if (kernel == null || reported.add(kernel)) {
            // The runner repeats it where users look (the CLI's progress line, a sched_ext run's verdict).
            log.info("monitor unavailable: {}", why);
        }
        return why;
    }

    @Override
    public Flux<EventBody> open(Vm vm, Variant variant, MonitorContext context) {
        return Flux.defer(() -> {
            LongSupplier elapsedMs = context.sinceVmMs();
            Optional<KernelDebugFiles> files = KernelDebugFiles.find(variant.kernel());
            if (files.isEmpty()) {
                context.problems().accept(KernelDebugFiles.explainMissing(variant.kernel()));
                return Flux.<EventBody>empty();
            }
            // Parsing symbols and BTF reads files: off the caller's (possibly non-blocking) thread.
            return Mono.fromCallable(() -> session(vm, variant, context, files.get(), elapsedMs))
                    .subscribeOn(Schedulers.boundedElastic())
                    .onErrorResume(e -> {
                        String why = "the monitor could not start with " + files.get().describe() + ": "
                                + (e.getMessage() == null ? e.toString() : e.getMessage());
                        log.warn("{}: {}", variant.key(), why);
                        context.problems().accept(why);
                        return Mono.empty();
                    })
                    // The session ends itself when the VM is gone (also when that happened while files were parsed).
                    .flatMapMany(MonitorSession::events);
        });
    }

    private MonitorSession session(Vm vm, Variant variant, MonitorContext context, KernelDebugFiles files,
                                   LongSupplier elapsedMs) {
        KernelDebugFiles.Loaded debug = cache.load(files);
        MonitorHooks hooks = vm.monitorHooks();
        GuestKernel kernel = new GuestKernel(vm.memory(), debug.symbols(), debug.btf(), hooks.registers());
        return new MonitorSession(kernel, variant, hooks, context, sampling, snapshotting, elapsedMs);
    }

    /** Parsed-file cache statistics (tests). */
    int kernelLoads() {
        return cache.loads();
    }
}
