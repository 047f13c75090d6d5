package io.ktstr4j.cli;

import io.ktstr4j.hoststate.RunCaptures;
import io.ktstr4j.pipeline.Defaults;
import io.ktstr4j.pipeline.Envelope;
import io.ktstr4j.pipeline.ProjectInfo;
import io.ktstr4j.pipeline.RunIds;
import io.ktstr4j.pipeline.RunSummary;
import io.ktstr4j.pipeline.SidecarFiles;
import io.ktstr4j.pipeline.Variant;
import io.ktstr4j.pipeline.VariantPlanner;
import io.ktstr4j.pipeline.host.HostContextReader;
import io.ktstr4j.pipeline.gauntlet.BudgetSelection;
import io.ktstr4j.pipeline.kernel.ResolvedKernel;
import io.ktstr4j.pipeline.gauntlet.CpuBudget;
import io.ktstr4j.pipeline.gauntlet.Execution;
import io.ktstr4j.pipeline.gauntlet.GauntletEvent;
import io.ktstr4j.pipeline.gauntlet.GauntletExecutor;
import io.ktstr4j.schemas.sidecar.RunExecution;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.InitStage;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunFinished;
import io.ktstr4j.schemas.event.RunSidecar;
import io.ktstr4j.schemas.event.RunStarted;
import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.hoststate.HostStateRefs;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;
import reactor.core.publisher.Flux;

/** {@code ktstr4j run SPEC…}: runs every variant of every spec and prints one line per variant. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run test specs or canned scenarios, one VM per variant ({test}/{preset}/{profile}).",
        footer = {"", "Exit codes: 0 all passed or skipped, 1 a variant failed or was inconclusive, "
                + "2 usage or infrastructure error, 130/143 interrupted by SIGINT/SIGTERM (docs/gauntlet.md)."})
final class RunCommand implements Callable<Integer> {

    /** The smallest guest RAM a run accepts, as for a spec's {@code memory_mb}. */
    static final long MIN_MEMORY_MB = 128;

    private final Services services;

    @Parameters(arity = "1..*", paramLabel = "SPEC",
            description = "Spec file (.json/.yaml/.yml), raw agent plan (.plan) or canned scenario name.")
    List<String> specs;

    @Option(names = "--kernel", paramLabel = "PATH|KEY",
            description = "Kernel image, a folder holding one, or a kernel cache key ('ktstr4j kernel list'); repeat "
                    + "it to run the gauntlet on each kernel (variant keys then end in /{kernel}). Default: the spec's "
                    + "kernel, else the default kernel (docs/kernels.md: $KTSTR4J_KERNEL, the kernel caches, "
                    + "../shared/kernels/6.12.117-scx/bzImage from the project root, ./linux, ../linux, /boot).")
    List<String> kernels = new ArrayList<>();

    /** {@link #kernels}, resolved and checked (by {@link #checkOptions}), and their names in the variant keys. */
    private List<ResolvedKernel> resolvedKernels = List.of();
    private Map<Path, String> kernelLabels = Map.of();

    /** The CPU budget of {@code --host-cpus}, {@code --jobs} and {@code --overcommit} (by {@link #checkOptions}). */
    private CpuBudget cpus;

    @Option(names = "--topology", paramLabel = "NAME|LABEL", split = ",",
            description = "Preset name (tiny-2llc), label (1n2l2c1t) or 'gauntlet'; comma-separated for several. "
                    + "Default: the spec's topology.")
    List<String> topologies = new ArrayList<>();

    @Option(names = "--scheduler", paramLabel = "eevdf|PATH|NAME", split = ",",
            description = "eevdf, a sched_ext binary, or the name of one in <kernel dir>/scx/ (e.g. scx_simple); "
                    + "comma-separated or repeated for several (each is a dimension of the gauntlet). Default: the "
                    + "spec's scheduler.")
    List<String> schedulers = new ArrayList<>();

    @Option(names = "--scheduler-arg", paramLabel = "ARG", description = "Extra scheduler argument (repeatable).")
    List<String> schedulerArgs = new ArrayList<>();

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Scenario duration, e.g. 2s or 1500ms (default: the spec's, 2s).")
    Duration duration;

    @Option(names = "--memory-mb", paramLabel = "MB", description = "Guest RAM (default: the spec's, 2048).")
    Long memoryMb;

    @Option(names = "--watchdog", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Kill a VM still running after this long (default: the spec's, 60s).")
    Duration watchdog;

    @Option(names = "--backend", paramLabel = "auto|kvm|qemu", defaultValue = "auto",
            description = "VM backend (default: ${DEFAULT-VALUE}: KVM where it can boot Linux, else QEMU).")
    String backend;

    @Option(names = "--debug-thresholds", description = "Looser debug defaults (spread 35%%, gap 3000 ms).")
    boolean debugThresholds;

    @Option(names = "--json", description = "Print one JSON object per variant on stdout instead of text lines.")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "Write a ktstr-compatible sidecar per variant here, in "
            + "ktstr's layout: DIR/{kernel}-{project_commit}/<test>-<variant hash>.ktstr.json (a rerun replaces it).")
    Path out;

    @Option(names = "--results-store", paramLabel = "PATH|JDBC-URL|none",
            description = "Also store every result here (default: $KTSTR4J_CACHE_DIR/results.duckdb, else "
                    + "~/.cache/ktstr4j/results.duckdb; 'ktstr4j stats' reads it). A failed write is a warning.")
    String resultsStore;

    @Option(names = "--project-dir", paramLabel = "DIR", description = "The project under test, whose git commit the "
            + "sidecars record (default: the git repository holding the spec file, else the one holding the scheduler "
            + "binary, else the working directory).")
    Path projectDir;

    @Option(names = "--no-host-state", description = "Do not capture the host's threads before the first variant and "
            + "after the last (docs/host-state.md). With --kafka the captures go to PREFIX.hoststate, else next to the "
            + "results: DIR/host-state/ under --out, or $KTSTR4J_CACHE_DIR/host-state.")
    boolean noHostState;

    @Option(names = "--dry-run", description = "Print the plan (every variant: topology, vCPUs, scheduler and its "
            + "arguments, kernel, duration, memory, or why it is skipped) and stop before anything boots.")
    boolean dryRun;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report here: one testcase "
            + "per variant, reasons as failure messages (written at the end, with what finished).")
    Path junit;

    @Option(names = "--jobs", paramLabel = "N", description = "Run at most N VMs at once (default: as many as the "
            + "CPU budget holds).")
    Integer jobs;

    @Option(names = "--host-cpus", paramLabel = "N", description = "The host CPUs the gauntlet may fill; one is kept "
            + "for the harness (default: this process's CPUs). VMs take host CPUs through ktstr's lock files, shared "
            + "with other ktstr4j and ktstr runs ('ktstr4j locks' lists them).")
    Integer hostCpus;

    @Option(names = "--overcommit", paramLabel = "F", description = "Allow F vCPUs per host CPU (default 1: none). "
            + "Results record it, and an overcommitted result's line says so.")
    Double overcommit;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "1", description = "Retry a run whose guest never "
            + "reached init (an infrastructure failure) up to N times (default: ${DEFAULT-VALUE}); every retry is "
            + "shown and recorded; a FAIL is never retried.")
    int retries;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "1", description = "Run every variant N times "
            + "(default: ${DEFAULT-VALUE}); results keep the trial index, 'ktstr4j stats' averages them.")
    int trials;

    @Option(names = "--budget", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Run only what fits this wall time (e.g. 20m), picking the variants that cover the most "
                    + "presets, schedulers, flags and kernels not yet covered per estimated second; estimates come "
                    + "from past results in the results store, else from the preset size. The plan is printed "
                    + "first (--dry-run prints it and stops).")
    Duration budget;

    @Option(names = "--events", paramLabel = "FILE",
            description = "Append every run event as one JSON line (the Kafka record value) to FILE.")
    Path eventsFile;

    /** {@code --kafka embedded|HOST:PORT} and the client options: also publish every run event to Kafka. */
    @CommandLine.Mixin
    io.ktstr4j.cli.kafka.KafkaClientOptions kafka = new io.ktstr4j.cli.kafka.KafkaClientOptions();

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Kernel console at loglevel 7, stack traces on errors.")
    boolean verbose;

    /** The gauntlet's progress: a bar, lines or nothing (set when the run starts). */
    private GauntletProgress view;

    RunCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        PrintStream stdout = services.out();
        PrintStream err = services.err();
        checkOptions();
        ResultsWriter store = ResultsWriter.of(resultsStore, services, err);
        // Everything the command was given is checked before the first VM boots: options, spec files (their
        // unsupported fields, their files), raw plans (with the agent's parser), kernels and schedulers.
        SpecResolver resolver = new SpecResolver(services.catalog());
        VariantPlanner planner = new VariantPlanner(services.planCompiler());
        List<Variant> variants = new ArrayList<>();
        Map<Path, Boolean> checkedKernels = new java.util.HashMap<>();
        Map<List<Path>, Path> projectDirs = new java.util.HashMap<>();
        List<Path> kernelImages = resolvedKernels.stream().map(ResolvedKernel::image).toList();
        for (String s : specs) {
            TestSpec spec = resolver.resolve(s);
            List<Path> specKernels = kernelImages.isEmpty() ? List.of(kernelFor(s, spec, checkedKernels))
                    : kernelImages;
            Path specFile = SpecResolver.specFile(s);
            List<String> scheds = schedulers.isEmpty() ? java.util.Collections.singletonList(null) : schedulers;
            for (Path k : specKernels) {
                for (String sched : scheds) {
                    VariantPlanner.Overrides o = new VariantPlanner.Overrides(topologies, sched, schedulerArgs,
                            duration, memoryMb, watchdog, debugThresholds ? ThresholdMode.DEBUG : ThresholdMode.RELEASE,
                            k, List.of());
                    for (Variant v : plan(planner, s, spec, o)) {
                        Variant named = kernelLabels.size() > 1 ? v.withKernelLabel(kernelLabels.get(k)) : v;
                        if (named.relation() instanceof io.ktstr4j.pipeline.VariantRelation.Baseline
                                && variants.stream().anyMatch(x -> x.key().equals(named.key()))) {
                            continue; // one baseline per topology and kernel, whatever the schedulers judged against it
                        }
                        variants.add(named.withProjectDir(projectDirFor(specFile, v, projectDirs)));
                    }
                }
            }
        }
        duplicateKeys(variants);
        if (budget != null) {
            BudgetSelection.Plan plan = BudgetSelection.select(variants, budget,
                    BudgetSelection.sideBySide(cpus, variants), store.pastDurations(), trials);
            (dryRun ? stdout : err).println((dryRun ? "" : "  ") + plan.summary());
            variants = plan.variants();
        }
        if (dryRun) {
            printPlan(stdout, variants);
            return ExitCodes.OK;
        }
        Services.RunnerChoice choice = services.runner(backend, verbose);
        progress(err, "backend " + choice.backend() + ": " + choice.reason());
        progress(err, "gauntlet: " + variants.size() * trials + " runs (" + variants.size() + " variants"
                + (trials > 1 ? " x " + trials + " trials" : "") + "); " + cpus.describe()
                + (choice.runner().softwareEmulated() ? "; under TCG every vCPU is emulated by a host thread" : ""));
        // One command is one run: every variant's events carry this id, and the run's own events (run.started,
        // run.finished) carry it with no variant key.
        String runId = RunIds.next();
        Envelope runEnvelope = Envelope.forRun(runId, Clock.systemUTC());
        try (KafkaPublishing pub = KafkaPublishing.start(kafka, err, quiet);
             EventsFile ev = EventsFile.open(eventsFile)) {
            long runStart = System.nanoTime();
            emitRunEvent(ev, pub, runEnvelope.wrap(runStarted(variants, choice.backend())));
            RunCaptures hostState = hostState(runId, s -> emitRunEvent(ev, pub, runEnvelope.wrap(s)), err);
            HostStateRefs refs = hostState == null ? null : hostState.refs();
            if (hostState != null) {
                hostState.before();
            }
            RunTally tally = new RunTally();
            java.time.Instant startedAt = java.time.Instant.now();
            Throwable failure = null;
            GauntletExecutor.Launcher launcher = new GauntletExecutor.Launcher() {
                @Override
                public Flux<RunEvent> launch(Execution e, java.util.function.Supplier<RunExecution> facts,
                                             Consumer<RunSummary> onDone) {
                    long t0 = System.nanoTime();
                    return pub.publish(choice.runner().run(runId, e.variant(), e.streamKey(), facts, onDone)
                            .map(x -> withHostState(x, refs))
                            .doOnNext(progressListener(e.streamKey(), t0))
                            .doOnNext(ev::write));
                }

                @Override
                public boolean awaitReleased(Duration timeout) {
                    try {
                        boolean closed = choice.runner().awaitClosed(timeout);
                        if (!closed) {
                            err.println("ktstr4j run: warning: a VM was still being torn down " + timeout.toSeconds()
                                    + " s after the gauntlet ended; its host CPUs are released now");
                        }
                        return closed;
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            };
            GauntletExecutor executor = new GauntletExecutor(cpus, services.hostReservation(cpus), launcher, retries);
            view = new GauntletProgress(GauntletProgress.mode(quiet, services.terminal()), stdout, err,
                    variants.size() * trials);
            RunInterrupts interrupts = RunInterrupts.install(executor::cancel, err);
            java.util.Iterator<GauntletEvent> events = executor.run(variants, trials).toIterable().iterator();
            try {
                while (events.hasNext()) {
                    GauntletEvent ge = events.next();
                    tally.count(ge);
                    if (ge instanceof GauntletEvent.Started st) {
                        view.started();
                        started(st, choice);
                    } else if (ge instanceof GauntletEvent.Finished f && f.retry() != null) {
                        view.ended(false, f.summary().timings().wallMs(), true);
                        retrying(f);
                    } else if (ge instanceof GauntletEvent.Finished f) {
                        RunSummary s = f.summary();
                        SidecarResult result = refs == null ? s.sidecar()
                                : s.sidecar().toBuilder().hostState(refs).build();
                        Path sidecar = out == null ? null : SidecarFiles.write(out, result);
                        store.write(result);
                        view.ended(s.verdict().outcome() == Outcome.PASS || s.verdict().outcome() == Outcome.SKIP,
                                s.timings().wallMs(), false);
                        report(s, sidecar, choice.runner().softwareEmulated());
                    } else if (ge instanceof GauntletEvent.Cancelled c) {
                        view.ended(false, 0, false);
                        unfinished(c.execution().streamKey(), "ERROR", c.elapsedMs(), "Cancelled", c.reason());
                    } else if (ge instanceof GauntletEvent.NotStarted n) {
                        view.dropped();
                        if (!interrupts.interrupted()) {
                            unfinished(n.execution().streamKey(), "NOT RUN", -1, "NotRun", n.reason());
                        }
                    }
                }
            } catch (Throwable t) {
                failure = t;
                executor.cancel("Cancelled: the run failed: " + Main.message(t));
                // What ends after the failure is only counted: run.finished says what got a verdict and what did not.
                try {
                    while (events.hasNext()) {
                        tally.count(events.next());
                    }
                } catch (RuntimeException again) {
                    if (again != t && again.getCause() != t) {
                        t.addSuppressed(again); // the gauntlet's own error, when it was not that already
                    }
                }
                throw t;
            } finally {
                interrupts.close();
                view.close();
                if (hostState != null) {
                    hostState.after();
                }
                RunFinished finished = runFinished(tally, runStart, failure);
                try {
                    emitRunEvent(ev, pub, runEnvelope.wrap(finished));
                    if (junit != null) {
                        JunitReport.write(junit, runId, HostContextReader.hostName(), startedAt, tally.finished,
                                tally.cancelled);
                    }
                } catch (RuntimeException | java.io.IOException x) {
                    if (failure == null) {
                        throw x;
                    }
                    failure.addSuppressed(x);
                }
            }
            if (interrupts.interrupted()) {
                progress(err, "interrupted: " + tally.finished.size() + " finished, " + tally.cancelled.size()
                        + " cancelled, " + tally.notRun.size() + " not run");
                pub.finishInterrupted();
                return interrupts.exitCode();
            }
            pub.finish();
            return tally.exitCode();
        }
    }

    /** The CPU budget of the options: {@code --host-cpus} (default: this process's CPUs), {@code --jobs}, {@code --overcommit}. */
    private CpuBudget cpuBudget() {
        CpuBudget host = CpuBudget.ofHost();
        try {
            return new CpuBudget(hostCpus != null ? hostCpus : host.hostCpus(), jobs != null ? jobs : host.jobs(),
                    overcommit != null ? overcommit : host.overcommit());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
    }

    private void started(GauntletEvent.Started st, Services.RunnerChoice choice) {
        Variant v = st.execution().variant();
        if (v.skipReason() != null) {
            return;
        }
        String key = st.execution().streamKey();
        view.note(key + ": booting " + v.topology().label() + " under " + choice.backend()
                + (st.runningVms() > 1 ? " (" + st.runningVms() + " VMs, " + st.usedVcpus() + " vCPUs running)" : "")
                + (st.execution().attempt() > 1 ? " (attempt " + st.execution().attempt() + ")" : "") + "...");
        String monitorOff = services.monitor().unavailableReason(v);
        if (monitorOff != null) {
            view.warn(key + ": monitor off: " + monitorOff);
        }
    }

    /** An attempt that failed for infrastructure and runs again: shown, never hidden. */
    private void retrying(GauntletEvent.Finished f) {
        RunSummary s = f.summary();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", s.streamKey());
            m.put("outcome", s.verdict().outcome().name());
            m.put("retrying", f.retry().streamKey());
            m.put("attempt", f.execution().attempt());
            m.put("duration_s", Math.round(s.timings().wallMs() / 10.0) / 100.0);
            m.put("reasons", reasonsJson(s.verdict().reasons()));
            view.result(Json.write(m));
            return;
        }
        view.result(String.format(Locale.ROOT, "RETRY [%5.2fs] %s (attempt %d failed for infrastructure; "
                        + "retrying, --retries %d)", s.timings().wallMs() / 1000.0, s.streamKey(),
                f.execution().attempt(), retries));
        for (Reason r : s.verdict().reasons()) {
            view.result(reasonLine(r));
        }
    }

    /**
     * A run without a verdict: cancelled while it ran ({@code ERROR [ 6.20s] key} and the reason) or never started
     * ({@code NOT RUN key: why}); with {@code --json} one object like a result's.
     */
    private void unfinished(String key, String outcome, long elapsedMs, String kind, String why) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", key);
            m.put("outcome", outcome.equals("NOT RUN") ? "NOT_RUN" : outcome);
            m.put("duration_s", elapsedMs < 0 ? null : Math.round(elapsedMs / 10.0) / 100.0);
            m.put("reasons", List.of(Map.of("kind", kind, "message", why)));
            view.result(Json.write(m));
        } else if (elapsedMs < 0) {
            view.result(outcome + " " + key + ": " + why);
        } else {
            view.result(line(Outcome.valueOf(outcome), elapsedMs / 1000.0, key));
            view.result("      " + why);
        }
    }

    /**
     * {@code --dry-run}: the plan, one line per variant, then the totals. Everything was checked already (specs,
     * kernels, schedulers), so a plan that prints is a plan that starts.
     */
    private static void printPlan(PrintStream out, List<Variant> variants) {
        long runs = 0;
        long vcpuSeconds = 0;
        for (Variant v : variants) {
            String what = v.skipReason() != null ? "SKIP (" + v.skipReason() + ")"
                    : String.format(Locale.ROOT, "%s, %d vCPUs, %s%s, %d s, %d MiB, kernel %s", v.topology().label(),
                    v.topology().totalCpus(), v.scheduler().name(),
                    v.scheduler().args().isEmpty() ? "" : " " + String.join(" ", v.scheduler().args()),
                    v.duration().toSeconds(), v.memoryMb(), v.kernel());
            out.println(v.key() + ": " + what);
            if (v.skipReason() == null) {
                runs++;
                vcpuSeconds += (long) v.topology().totalCpus() * Math.max(1, v.duration().toSeconds());
            }
        }
        out.println(String.format(Locale.ROOT, "plan: %d variants, %d to run, %d skipped; %d vCPU-seconds of "
                + "scenario (boot and evaluation come on top)", variants.size(), runs, variants.size() - runs,
                vcpuSeconds));
    }

    /** Two variants of one key would share their events' ids: refused (the same scheduler or spec twice). */
    private static void duplicateKeys(List<Variant> variants) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Variant v : variants) {
            if (!keys.add(v.key())) {
                throw new IllegalArgumentException("the variant " + v.key() + " is planned twice (a spec, scheduler or "
                        + "topology given twice?); use --trials N to run a variant N times");
            }
        }
    }

    /** The spec's variants; a problem found while planning (plan validation, a scheduler) names the spec. */
    private static List<Variant> plan(VariantPlanner planner, String specArg, TestSpec spec,
                                      VariantPlanner.Overrides o) {
        try {
            return planner.plan(spec, o);
        } catch (IllegalArgumentException | io.ktstr4j.pipeline.scenario.PlanValidationException e) {
            String m = Main.message(e);
            if (m.startsWith(specArg) || m.startsWith(Path.of(specArg).toAbsolutePath().toString())
                    || m.startsWith("--")) { // already names the file, or an option
                throw e;
            }
            throw new IllegalArgumentException(specArg + ": " + m, e);
        }
    }

    /** The options on their own, each refused naming itself (exit 2) before any spec is read. */
    private void checkOptions() {
        CommandLine cl = new CommandLine(this);
        if (trials < 1) {
            throw new CommandLine.ParameterException(cl, "--trials: " + trials + " must be at least 1");
        }
        if (retries < 0) {
            throw new CommandLine.ParameterException(cl, "--retries: " + retries + " must not be negative");
        }
        cpus = cpuBudget(); // --jobs, --host-cpus, --overcommit
        if (memoryMb != null && memoryMb < MIN_MEMORY_MB) {
            throw new CommandLine.ParameterException(cl, "--memory-mb: " + memoryMb + " MiB is below the minimum of "
                    + MIN_MEMORY_MB + " MiB (a test spec's memory_mb has the same floor)");
        }
        try {
            Backends.Request.parse(backend);
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        for (String t : topologies) {
            if (t.equals(VariantPlanner.GAUNTLET) || t.equals("all")) {
                continue;
            }
            try {
                io.ktstr4j.schemas.topology.TopologyPresets.resolve(t);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(cl, "--topology: '" + t + "' is neither a preset ("
                        + "'ktstr4j list' shows them), a label like 1n2l2c1t, nor gauntlet: " + e.getMessage());
            }
        }
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            throw new CommandLine.ParameterException(cl, "--out: " + out + " exists and is not a directory");
        }
        if (projectDir != null && !Files.isDirectory(projectDir)) {
            throw new CommandLine.ParameterException(cl, "--project-dir: " + projectDir + " is not a directory");
        }
        if (junit != null && Files.isDirectory(junit)) {
            throw new CommandLine.ParameterException(cl, "--junit: " + junit + " is a directory, not a file");
        }
        if (eventsFile != null && Files.isDirectory(eventsFile)) {
            throw new CommandLine.ParameterException(cl, "--events: " + eventsFile + " is a directory, not a file");
        }
        List<ResolvedKernel> resolved = new ArrayList<>();
        for (String k : kernels) {
            ResolvedKernel r;
            try {
                r = services.kernelResolver().resolve(k, "--kernel");
            } catch (io.ktstr4j.pipeline.kernel.KernelException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            String why = KernelFile.problem(r.image());
            if (why != null) {
                throw new CommandLine.ParameterException(cl, "--kernel: " + why);
            }
            resolved.add(r);
        }
        resolvedKernels = resolved;
        try {
            kernelLabels = KernelLabels.of(resolvedKernels);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /**
     * The kernel of one spec without {@code --kernel}: the spec's own {@code kernel} (a path, relative to the spec's
     * folder), else the default; checked once per file, naming where it came from.
     */
    private Path kernelFor(String specArg, TestSpec spec, Map<Path, Boolean> checked) {
        Path k;
        String from;
        if (spec.kernel() != null) {
            k = services.kernelResolver().resolve(spec.kernel(), specArg + ": kernel").image();
            from = specArg + ": kernel: ";
        } else {
            ResolvedKernel d = services.kernelResolver().resolveDefault(); // nothing found: every place it looked
            k = d.image();
            from = "default kernel (" + d.from() + "): ";
        }
        if (checked.putIfAbsent(k, true) == null) {
            String why = KernelFile.problem(k);
            if (why != null) {
                throw new IllegalArgumentException(from + why);
            }
        }
        return k;
    }

    /**
     * Where the run's own events go: the same places as the variants' events (the {@code --events} file and the Kafka
     * publish).
     */
    private static void emitRunEvent(EventsFile ev, KafkaPublishing pub, RunEvent e) {
        ev.write(e);
        pub.publishRunEvent(e);
    }

    private RunStarted runStarted(List<Variant> variants, String backendName) {
        List<String> kernels = variants.stream().map(Variant::kernel).filter(java.util.Objects::nonNull)
                .map(Path::toString).distinct().toList();
        return new RunStarted(variants.stream().map(Variant::key).toList(), HostContextReader.hostName(), kernels,
                backendName, Main.VERSION);
    }

    private static RunFinished runFinished(RunTally tally, long startNanos, Throwable failure) {
        Map<Outcome, Integer> counts = new java.util.EnumMap<>(Outcome.class);
        tally.outcomes().forEach(o -> counts.merge(o, 1, Integer::sum));
        String error = failure == null ? null
                : failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        return new RunFinished(counts, tally.cancelled, tally.notRun,
                Math.max(0, (System.nanoTime() - startNanos) / 1_000_000), error);
    }

    private Consumer<RunEvent> progressListener(String key, long t0) {
        return e -> {
            EventBody b = e.body();
            double s = (System.nanoTime() - t0) / 1e9;
            if (b instanceof InitStage st && InitStage.INIT_STARTED.equals(st.stage())) {
                view.note(String.format(Locale.ROOT, "%s: init reached after %.1fs", key, s));
            } else if (b instanceof ScenarioStart) {
                view.note(String.format(Locale.ROOT, "%s: scenario running (%.1fs)...", key, s));
            } else if (b instanceof ScenarioEnd) {
                view.note(String.format(Locale.ROOT, "%s: scenario done (%.1fs), evaluating", key, s));
            }
        };
    }

    private void progress(PrintStream err, String line) {
        if (!quiet) {
            err.println("  " + line);
        }
    }

    /**
     * The captures around the run (null with {@code --no-host-state}): published with the run's events under
     * {@code --kafka}; files under {@code --out}'s {@code host-state} folder or the cache's without it, and with
     * {@code --kafka embedded} too (that broker ends with the run: the files are what is left to compare).
     */
    private RunCaptures hostState(String runId, Consumer<HostStateSnapshot> publish, PrintStream err) {
        if (noHostState) {
            return null;
        }
        boolean cluster = kafka.enabled() && !kafka.config().embedded();
        Path folder = cluster ? null : out != null ? out.resolve("host-state") : services.hostStateDir();
        return new RunCaptures(services.hostCapture(), runId, folder, kafka.enabled() ? publish : null,
                m -> err.println("  " + m));
    }

    /** A variant's result names the run's host-state captures (sidecar 1.2's host_state). */
    private static RunEvent withHostState(RunEvent e, HostStateRefs refs) {
        if (refs == null || !(e.body() instanceof RunSidecar rs)) {
            return e;
        }
        return new RunEvent(e.runId(), e.variantKey(), e.ownId(), e.seq(), e.timestamp(),
                new RunSidecar(rs.result().toBuilder().hostState(refs).build()), e.extra());
    }

    /**
     * The project a variant tests: {@code --project-dir}, else the default of {@link ProjectInfo#defaultProjectDir}
     * (asked once per spec file and scheduler binary: it runs git).
     */
    private Path projectDirFor(Path specFile, Variant v, Map<List<Path>, Path> known) {
        if (projectDir != null) {
            return projectDir.toAbsolutePath().normalize();
        }
        Path binary = v.scheduler().binary();
        return known.computeIfAbsent(java.util.Arrays.asList(specFile, binary),
                k -> ProjectInfo.defaultProjectDir(specFile, binary, Path.of("").toAbsolutePath()));
    }

    private void report(RunSummary s, Path sidecar, boolean emulated) {
        double secs = s.timings().wallMs() / 1000.0;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", s.streamKey());
            m.put("outcome", s.verdict().outcome().name());
            m.put("duration_s", Math.round(secs * 100) / 100.0);
            m.put("reasons", reasonsJson(s.verdict().reasons()));
            m.put("run_id", s.runId());
            m.put("sidecar", sidecar == null ? null : sidecar.toString());
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("prepare_ms", s.timings().prepareMs());
            t.put("boot_to_init_ms", s.timings().bootToInitMs());
            t.put("scenario_ms", s.timings().scenarioMs());
            t.put("teardown_ms", s.timings().teardownMs());
            t.put("evaluation_ms", s.timings().evaluationMs());
            t.put("wall_ms", s.timings().wallMs());
            t.put("overhead_ms", s.timings().overheadMs()); // wall - boot to init - scenario; null if unknown
            m.put("timings", t);
            if (s.sidecar() != null && s.sidecar().execution() != null) {
                m.put("execution", s.sidecar().execution());
            }
            view.result(Json.write(m));
            return;
        }
        view.result(line(s.verdict().outcome(), secs, s.streamKey()) + overcommitNote(s, emulated));
        for (Reason r : s.verdict().reasons()) {
            view.result(reasonLine(r));
        }
        if (verbose && s.infrastructureCause() != null) {
            s.infrastructureCause().printStackTrace(services.err());
        }
    }

    /**
     * When more vCPUs ran at once than the host CPUs given to VMs, the line says so: the guest's CPUs were time-shared,
     * which distorts what the checks measure (and under TCG every vCPU is a host thread emulating it).
     */
    static String overcommitNote(RunSummary s, boolean emulated) {
        RunExecution x = s.sidecar() == null ? null : s.sidecar().execution();
        if (x == null || !x.overcommitted() || s.variant().skipReason() != null) {
            return "";
        }
        return String.format(Locale.ROOT, "  (overcommitted: %d vCPUs ran at once on %d host CPU%s%s)",
                x.concurrentVcpus(), x.hostCpus(), x.hostCpus() == 1 ? "" : "s",
                emulated ? ", each emulated under TCG" : "");
    }

    /** Reasons as {@code --json} prints them: {@code [{kind, message}]}, the kind spelled as in the sidecar. */
    static List<Map<String, String>> reasonsJson(List<Reason> reasons) {
        return reasons.stream().map(r -> Map.of("kind", r.kind().jsonName(), "message", r.message())).toList();
    }

    /** {@code       Stuck: …}: a reason under its result line; a reason of several lines stays indented under it. */
    static String reasonLine(Reason r) {
        return "      " + r.kind().jsonName() + ": " + r.message().replace("\n", "\n        ");
    }

    /** {@code PASS [ 2.41s] steady/tiny-2llc/eevdf}. */
    static String line(Outcome outcome, double seconds, String key) {
        return String.format(Locale.ROOT, "%s [%5.2fs] %s", outcome.name(), seconds, key);
    }
}
