package io.ktstr4j.cli;

import io.ktstr4j.pipeline.DefaultPlanCompiler;
import io.ktstr4j.pipeline.GuestMonitorSource;
import io.ktstr4j.pipeline.MonitorSource;
import io.ktstr4j.pipeline.PlanCompiler;
import io.ktstr4j.pipeline.ScenarioCatalog;
import io.ktstr4j.pipeline.ScenarioEngine;
import io.ktstr4j.pipeline.VariantRunner;
import io.ktstr4j.vmm.channel.GuestLink;
import io.ktstr4j.vmm.initramfs.InitramfsGuestImage;
import java.io.PrintStream;
import java.time.Clock;

/** What the CLI is wired to; tests swap parts (a fake backend, captured output). */
public class Services {

    /** A chosen backend ready to run variants, and why it was chosen. */
    public record RunnerChoice(VariantRunner runner, String backend, String reason) {
    }

    private final PrintStream out;
    private final PrintStream err;

    public Services() {
        this(System.out, System.err);
    }

    /** The CLI writing to these streams instead (tests and benchmarks capture its output). */
    public Services(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    private MonitorSource monitor;

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** Whether the command talks to a terminal (a gauntlet then shows a live progress bar instead of lines). */
    public boolean terminal() {
        return System.console() != null;
    }

    public ScenarioCatalog catalog() {
        return ScenarioEngine.catalog();
    }

    public PlanCompiler planCompiler() {
        return new DefaultPlanCompiler(ScenarioEngine.compiler());
    }

    /**
     * The guest-memory monitor, one per CLI run (it caches the parsed kernel symbols across variants). It works on
     * every backend that exposes guest RAM; without System.map/BTF next to the kernel it says why it is off.
     */
    public synchronized MonitorSource monitor() {
        if (monitor == null) {
            monitor = new GuestMonitorSource();
        }
        return monitor;
    }

    /**
     * Where {@code run} writes its results and {@code stats} reads them when {@code --results-store} is not given:
     * {@code $KTSTR4J_CACHE_DIR/results.duckdb}, else {@code ~/.cache/ktstr4j/results.duckdb}.
     */
    public io.ktstr4j.stats.store.StoreLocation resultsStore() {
        return io.ktstr4j.stats.store.StoreLocation.defaultLocation();
    }

    /** How the host's threads are captured (this machine's /proc; tests read a fixture tree). */
    public io.ktstr4j.hoststate.ProcCapture hostCapture() {
        return io.ktstr4j.hoststate.ProcCapture.live();
    }

    /**
     * Where {@code run} puts its host-state captures without {@code --kafka} or {@code --out}:
     * {@code $KTSTR4J_CACHE_DIR/host-state}, else {@code ~/.cache/ktstr4j/host-state}.
     */
    public java.nio.file.Path hostStateDir() {
        return io.ktstr4j.schemas.CacheDir.resolve("host-state");
    }

    /**
     * The host CPUs a gauntlet holds against other processes: flock(2) on ktstr's lock files in {@link #lockDir()},
     * CPUs 1..N-1 of the budget's N.
     */
    public io.ktstr4j.pipeline.gauntlet.HostReservation hostReservation(io.ktstr4j.pipeline.gauntlet.CpuBudget budget) {
        return io.ktstr4j.pipeline.gauntlet.HostCpuLocks.onHost(lockDir(), budget.hostCpus());
    }

    /** Where the host's CPU and LLC lock files are: {@code $KTSTR_LOCK_DIR}, else {@code $TMPDIR}, else {@code /tmp}. */
    public java.nio.file.Path lockDir() {
        return io.ktstr4j.pipeline.gauntlet.HostCpuLocks.lockDir();
    }

    /**
     * The environment the CLI reads for its folders ({@code $KTSTR4J_CACHE_DIR}, {@code $KTSTR_CACHE_DIR},
     * {@code $HOME}, {@code $KTSTR4J_KERNEL}, {@code PATH}); tests pass one of temp folders.
     */
    public java.util.Map<String, String> env() {
        return System.getenv();
    }

    /** ktstr4j's kernel cache and ktstr's, as {@link #env()} places them. */
    public io.ktstr4j.pipeline.kernel.KernelCache kernelCache() {
        return io.ktstr4j.pipeline.kernel.KernelCache.fromEnv(env());
    }

    /** Turns {@code --kernel} (a path or a cache key), or nothing, into an image: the project's one order. */
    public io.ktstr4j.pipeline.kernel.KernelResolver kernelResolver() {
        return new io.ktstr4j.pipeline.kernel.KernelResolver(kernelCache(), env(),
                io.ktstr4j.pipeline.Defaults.projectRoot(), java.nio.file.Path.of(""), java.nio.file.Path.of("/"),
                System.getProperty("os.version"));
    }

    /** {@code kernel build}'s builder, reporting progress lines to {@code progress}. */
    public io.ktstr4j.pipeline.kernel.KernelBuilder kernelBuilder(java.util.function.Consumer<String> progress) {
        return new io.ktstr4j.pipeline.kernel.KernelBuilder(kernelCache(), env(),
                io.ktstr4j.pipeline.kernel.HostTools.of(env()), java.nio.file.Path.of("/usr/src"), progress,
                java.time.Duration.ofSeconds(10));
    }

    /** Standard input when it is a terminal (a confirmation can be asked), else null. */
    public java.io.BufferedReader terminalInput() {
        return System.console() == null ? null
                : new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                        java.nio.charset.Charset.defaultCharset()));
    }

    /** Resolves {@code --backend} (auto|kvm|qemu) on this host; throws VmConfigException with what is missing. */
    public RunnerChoice runner(String backendRequest, boolean verbose) {
        Backends.Selection sel = Backends.select(backendRequest);
        VariantRunner r = new VariantRunner(sel.backend(), new InitramfsGuestImage(null, null), GuestLink.Factory.RING,
                monitor(), Clock.systemUTC(), VariantRunner.DEFAULT_BUFFER, verbose);
        return new RunnerChoice(r, sel.backend().name(), sel.reason());
    }
}
