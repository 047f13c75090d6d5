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
import java.util.concurrent.atomic.AtomicReference;
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
                + "2 usage or infrastructure error."})
final class RunCommand implements Callable<Integer> {

    /** The smallest guest RAM a run accepts, as for a spec's {@code memory_mb}. */
    static final long MIN_MEMORY_MB = 128;

    private final Services services;

    @Parameters(arity = "1..*", paramLabel = "SPEC",
            description = "Spec file (.json/.yaml/.yml), raw agent plan (.plan) or canned scenario name.")
    List<String> specs;

    @Option(names = "--kernel", paramLabel = "PATH",
            description = "Kernel image (default: the spec's kernel, else $KTSTR4J_KERNEL, else "
                    + "../shared/kernels/6.12.117-scx/bzImage relative to the project root).")
    Path kernel;

    @Option(names = "--topology", paramLabel = "NAME|LABEL", split = ",",
            description = "Preset name (tiny-2llc), label (1n2l2c1t) or 'gauntlet'; comma-separated for several. "
                    + "Default: the spec's topology.")
    List<String> topologies = new ArrayList<>();

    @Option(names = "--scheduler", paramLabel = "eevdf|PATH|NAME",
            description = "eevdf, a sched_ext binary, or the name of one in <kernel dir>/scx/ (e.g. scx_simple). "
                    + "Default: the spec's scheduler.")
    String scheduler;

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
        for (String s : specs) {
            TestSpec spec = resolver.resolve(s);
            Path k = kernelFor(s, spec, checkedKernels);
            VariantPlanner.Overrides o = new VariantPlanner.Overrides(topologies, scheduler, schedulerArgs, duration,
                    memoryMb, watchdog, debugThresholds ? ThresholdMode.DEBUG : ThresholdMode.RELEASE, k, List.of());
            Path specFile = SpecResolver.specFile(s);
            for (Variant v : plan(planner, s, spec, o)) {
                variants.add(v.withProjectDir(projectDirFor(specFile, v, projectDirs)));
            }
        }
        if (dryRun) {
            printPlan(stdout, variants);
            return ExitCodes.OK;
        }
        Services.RunnerChoice choice = services.runner(backend, verbose);
        progress(err, "backend " + choice.backend() + ": " + choice.reason());
        // One command is one run: every variant's events carry this id, and the run's own events (run.started,
        // run.finished) carry it with no variant key.
        String runId = RunIds.next();
        Envelope runEnvelope = Envelope.forRun(runId, Clock.systemUTC());
        try (KafkaPublishing pub = KafkaPublishing.start(kafka, err, quiet);
             java.io.BufferedWriter ev = eventsFile == null ? null : Files.newBufferedWriter(eventsFile,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            long runStart = System.nanoTime();
            emitRunEvent(ev, pub, runEnvelope.wrap(runStarted(variants, choice.backend())));
            RunCaptures hostState = hostState(runId, s -> emitRunEvent(ev, pub, runEnvelope.wrap(s)), err);
            HostStateRefs refs = hostState == null ? null : hostState.refs();
            if (hostState != null) {
                hostState.before();
            }
            List<Outcome> outcomes = new ArrayList<>();
            List<RunSummary> finishedVariants = new ArrayList<>();
            java.time.Instant startedAt = java.time.Instant.now();
            List<String> cancelled = new ArrayList<>();
            Throwable failure = null;
            int next = 0;
            try {
                for (; next < variants.size(); next++) {
                    Variant v = variants.get(next);
                    AtomicReference<RunSummary> done = new AtomicReference<>();
                    long t0 = System.nanoTime();
                    progress(err, v.key() + ": booting " + v.topology().label() + " under " + choice.backend()
                            + "...");
                    String monitorOff = services.monitor().unavailableReason(v);
                    if (monitorOff != null && v.skipReason() == null) {
                        progress(err, v.key() + ": monitor off: " + monitorOff);
                    }
                    Flux<RunEvent> events = choice.runner().run(runId, v, done::set)
                            .map(e -> withHostState(e, refs))
                            .doOnNext(progressListener(err, v.key(), t0))
                            .doOnNext(e -> writeEvent(ev, e));
                    pub.publish(events).blockLast();
                    RunSummary s = done.get();
                    if (s == null) {
                        cancelled.add(v.key()); // the stream ended without its verdict
                        continue;
                    }
                    outcomes.add(s.verdict().outcome());
                    finishedVariants.add(s);
                    SidecarResult result = refs == null ? s.sidecar() : s.sidecar().toBuilder().hostState(refs).build();
                    Path sidecar = out == null ? null : SidecarFiles.write(out, result);
                    store.write(result);
                    report(stdout, s, sidecar);
                }
            } catch (Throwable t) {
                failure = t;
                if (next < variants.size()) {
                    if (outcomes.size() + cancelled.size() == next) {
                        cancelled.add(variants.get(next).key()); // it was running: no verdict
                    }
                    next++;
                }
                throw t;
            } finally {
                if (hostState != null) {
                    hostState.after();
                }
                RunFinished finished = runFinished(outcomes, cancelled,
                        variants.subList(Math.min(next, variants.size()), variants.size()), runStart, failure);
                try {
                    emitRunEvent(ev, pub, runEnvelope.wrap(finished));
                    if (junit != null) {
                        JunitReport.write(junit, runId, HostContextReader.hostName(), startedAt, finishedVariants,
                                cancelled);
                    }
                } catch (RuntimeException | java.io.IOException x) {
                    if (failure == null) {
                        throw x;
                    }
                    failure.addSuppressed(x);
                }
            }
            pub.finish();
            if (!cancelled.isEmpty()) {
                outcomes.add(Outcome.ERROR); // a variant without a verdict is not a pass
            }
            return ExitCodes.of(outcomes);
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
        if (kernel != null) {
            String why = KernelFile.problem(kernel);
            if (why != null) {
                throw new CommandLine.ParameterException(cl, "--kernel: " + why);
            }
        }
    }

    /**
     * The kernel of one spec: {@code --kernel}, else the spec's own {@code kernel} (a path, relative to the spec's
     * folder), else the default; checked once per file, naming where it came from.
     */
    private Path kernelFor(String specArg, TestSpec spec, Map<Path, Boolean> checked) {
        Path k;
        String from;
        if (kernel != null) {
            return kernel; // checked with the options
        } else if (spec.kernel() != null) {
            k = Path.of(spec.kernel());
            from = specArg + ": kernel: ";
        } else {
            k = Defaults.kernel().orElseThrow(() -> new CommandLine.ParameterException(new CommandLine(this),
                    "no kernel: pass --kernel PATH or set $" + Defaults.KERNEL_ENV));
            from = "default kernel ($" + Defaults.KERNEL_ENV + " or the project's shared kernel): ";
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
    private static void emitRunEvent(java.io.BufferedWriter ev, KafkaPublishing pub, RunEvent e) {
        writeEvent(ev, e);
        pub.publishRunEvent(e);
    }

    private RunStarted runStarted(List<Variant> variants, String backendName) {
        List<String> kernels = variants.stream().map(Variant::kernel).filter(java.util.Objects::nonNull)
                .map(Path::toString).distinct().toList();
        return new RunStarted(variants.stream().map(Variant::key).toList(), HostContextReader.hostName(), kernels,
                backendName, Main.VERSION);
    }

    private static RunFinished runFinished(List<Outcome> outcomes, List<String> cancelled, List<Variant> notRun,
                                           long startNanos, Throwable failure) {
        Map<Outcome, Integer> counts = new java.util.EnumMap<>(Outcome.class);
        outcomes.forEach(o -> counts.merge(o, 1, Integer::sum));
        String error = failure == null ? null
                : failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        return new RunFinished(counts, cancelled, notRun.stream().map(Variant::key).toList(),
                Math.max(0, (System.nanoTime() - startNanos) / 1_000_000), error);
    }

    private Consumer<RunEvent> progressListener(PrintStream err, String key, long t0) {
        return e -> {
            EventBody b = e.body();
            double s = (System.nanoTime() - t0) / 1e9;
            if (b instanceof InitStage st && InitStage.INIT_STARTED.equals(st.stage())) {
                progress(err, String.format(Locale.ROOT, "%s: init reached after %.1fs", key, s));
            } else if (b instanceof ScenarioStart) {
                progress(err, String.format(Locale.ROOT, "%s: scenario running (%.1fs)...", key, s));
            } else if (b instanceof ScenarioEnd) {
                progress(err, String.format(Locale.ROOT, "%s: scenario done (%.1fs), evaluating", key, s));
            }
        };
    }

    private static void writeEvent(java.io.BufferedWriter w, RunEvent e) {
        if (w == null) {
            return;
        }
        try {
            w.write(Json.write(e));
            w.newLine();
            w.flush(); // a line per event on disk at once: after a SIGKILL the file says what was produced
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException("--events: cannot write: " + x.getMessage(), x);
        }
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

    private void report(PrintStream stdout, RunSummary s, Path sidecar) {
        double secs = s.timings().wallMs() / 1000.0;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", s.variant().key());
            m.put("outcome", s.verdict().outcome().name());
            m.put("duration_s", Math.round(secs * 100) / 100.0);
            List<Map<String, String>> reasons = new ArrayList<>();
            for (Reason r : s.verdict().reasons()) {
                reasons.add(Map.of("kind", r.kind().jsonName(), "message", r.message()));
            }
            m.put("reasons", reasons);
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
            stdout.println(Json.write(m));
            return;
        }
        stdout.println(line(s.verdict().outcome(), secs, s.variant().key()));
        for (Reason r : s.verdict().reasons()) {
            stdout.println("      " + r.kind().jsonName() + ": " + r.message());
        }
        if (verbose && s.infrastructureCause() != null) {
            s.infrastructureCause().printStackTrace(services.err());
        }
    }

    /** {@code PASS [ 2.41s] steady/tiny-2llc/eevdf}. */
    static String line(Outcome outcome, double seconds, String key) {
        return String.format(Locale.ROOT, "%s [%5.2fs] %s", outcome.name(), seconds, key);
    }
}
