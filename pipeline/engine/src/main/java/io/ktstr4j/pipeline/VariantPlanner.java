package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.spec.SchedulerSpec;
import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.schemas.topology.TopologyPreset;
import io.ktstr4j.schemas.topology.TopologyPresets;
import io.ktstr4j.vmm.initramfs.ElfDeps;
import io.ktstr4j.vmm.plan.AgentPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import io.ktstr4j.schemas.metric.MetricRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Expands a spec into variants: topologies (the spec's own, the ones asked for, or every gauntlet preset the spec's
 * constraints admit) × scheduler flag profiles. Names follow ktstr: {@code {test}/{preset}/{profile}}.
 */
public final class VariantPlanner {

    /** What the command line can override; null fields keep the spec's value. */
    public record Overrides(List<String> topologies, String scheduler, List<String> schedulerArgs, Duration duration,
                            Long memoryMb, Duration watchdog, ThresholdMode mode, Path kernel, List<String> kargs) {
        public Overrides {
            topologies = topologies == null ? List.of() : List.copyOf(topologies);
            schedulerArgs = schedulerArgs == null ? List.of() : List.copyOf(schedulerArgs);
            kargs = kargs == null ? List.of() : List.copyOf(kargs);
            mode = mode == null ? ThresholdMode.RELEASE : mode;
        }

        public static Overrides none(Path kernel) {
            return new Overrides(List.of(), null, List.of(), null, null, null, ThresholdMode.RELEASE, kernel, List.of());
        }
    }

    /** Topology request meaning "every gauntlet preset the spec admits". */
    public static final String GAUNTLET = "gauntlet";

    private final PlanCompiler compiler;

    public VariantPlanner(PlanCompiler compiler) {
        this.compiler = compiler;
    }

    public List<Variant> plan(TestSpec spec, Overrides o) {
        UnsupportedSpecFields.refuse("spec " + spec.name(), spec);
        List<TopologyPreset> topologies = topologies(spec, o);
        Thresholds thresholds = Thresholds.of(spec, o.mode());
        Duration duration = o.duration() != null ? o.duration() : Duration.ofMillis(spec.durationMs());
        long memory = o.memoryMb() != null ? o.memoryMb() : spec.memoryMb();
        Duration watchdog = o.watchdog() != null ? o.watchdog() : Duration.ofMillis(spec.vmTimeoutMs());
        Path kernel = o.kernel() != null ? o.kernel() : spec.kernel() != null ? Path.of(spec.kernel()) : null;
        List<String> kargs = new ArrayList<>(spec.kargs());
        kargs.addAll(spec.sysctlKargs());
        kargs.addAll(o.kargs());
        List<String> sysctls = spec.sysctlKargs();

        List<Path> includes = includeFiles(spec);
        List<SchedulerChoice> schedulers = schedulers(spec, o, kernel);
        SchedulerChoice baseline = baseline(spec, schedulers, kernel);
        List<Variant> out = new ArrayList<>();
        for (TopologyPreset tp : topologies) {
            AgentPlan plan = null;
            String skip = null;
            try {
                plan = compiler.compile(spec, tp.topology(), duration);
            } catch (VariantSkip e) {
                skip = e.getMessage();
            }
            VariantRelation judged = null;
            if (baseline != null) {
                // before the variants judged against it: they are compared with its result when they are evaluated
                Variant b = new Variant(spec.name(), tp.name(), tp.topology(), baseline, kernel, plan, duration,
                        memory, watchdog, thresholds, kargs, sysctls, workType(spec), skip, spec.numSnapshots(),
                        includes, false, null, new VariantRelation.Baseline(), null);
                out.add(b);
                judged = new VariantRelation.JudgedAgainst(b.key(), spec.relativeTo());
            }
            for (SchedulerChoice s : schedulers) {
                out.add(new Variant(spec.name(), tp.name(), tp.topology(), s, kernel, plan, duration, memory, watchdog,
                        thresholds, kargs, sysctls, workType(spec), skip, spec.numSnapshots(), includes,
                        spec.expectErr(), null, judged, null));
            }
        }
        return out;
    }

    private static String workType(TestSpec spec) {
        if (spec.plan() == null) {
            return "CpuSpin";
        }
        return spec.plan().steps().stream().flatMap(st -> st.setup().stream())
                .map(c -> c.workType() == null ? null : c.workType().getClass().getSimpleName())
                .filter(n -> n != null).findFirst().orElse("CpuSpin");
    }

    static List<TopologyPreset> topologies(TestSpec spec, Overrides o) {
        List<TopologyPreset> out = new ArrayList<>();
        if (o.topologies().isEmpty()) {
            out.add(named(spec.topology()));
            return out;
        }
        for (String t : o.topologies()) {
            if (t.equals(GAUNTLET) || t.equals("all")) {
                for (TopologyPreset p : TopologyPresets.all()) {
                    if (spec.constraints().admits(p.topology())) {
                        out.add(p);
                    }
                }
                continue;
            }
            Optional<TopologyPreset> p = TopologyPresets.find(t);
            if (p.isPresent()) {
                out.add(p.get());
            } else {
                out.add(named(TopologyPresets.resolve(t)));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("topology: no gauntlet preset satisfies the constraints of " + spec.name());
        }
        return out;
    }

    /** A topology under its preset name when it matches one, else under its label. */
    static TopologyPreset named(Topology t) {
        return TopologyPresets.all().stream().filter(p -> p.topology().equals(t)).findFirst()
                .orElseGet(() -> new TopologyPreset(t.label(), t));
    }

    /** config_file and extra_include_files: host files the guest sees under /include-files/ (checked here, by field). */
    static List<Path> includeFiles(TestSpec spec) {
        List<Path> out = new ArrayList<>();
        if (spec.configFile() != null) {
            out.add(existing("config_file", spec.configFile()));
        }
        for (int i = 0; i < spec.extraIncludeFiles().size(); i++) {
            out.add(existing("extra_include_files[" + i + "]", spec.extraIncludeFiles().get(i)));
        }
        Set<Path> names = new HashSet<>();
        for (Path p : out) {
            if (!names.add(p.getFileName())) {
                throw new IllegalArgumentException("extra_include_files: two files are named " + p.getFileName()
                        + " (the guest sees them all under /include-files/)");
            }
        }
        return out;
    }

    private static Path existing(String field, String file) {
        Path p = Path.of(file).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(field + ": no file at " + p);
        }
        return p;
    }

    static List<SchedulerChoice> schedulers(TestSpec spec, Overrides o, Path kernel) {
        SchedulerSpec s = spec.scheduler();
        if (o.scheduler() != null) {
            return List.of(override(o.scheduler(), o.schedulerArgs(), kernel));
        }
        if (s instanceof SchedulerSpec.Eevdf) {
            return List.of(SchedulerChoice.eevdf());
        }
        if (s instanceof SchedulerSpec.KernelBuiltin k) {
            if (!spec.flags().isEmpty()) {
                throw new IllegalArgumentException("flags: a kernel_builtin scheduler takes no flags (they become "
                        + "arguments of a sched_ext binary); switch what they would in the enable lines");
            }
            return List.of(SchedulerChoice.builtin(k.name(), BuiltinShell.find(), k.enable(), k.disable()));
        }
        SchedulerSpec.Path p = (SchedulerSpec.Path) s;
        Path bin = resolveBinary(p.binary(), kernel, "scheduler.binary");
        List<SchedulerChoice> out = new ArrayList<>();
        for (List<String> profile : FlagProfiles.of(spec.flags(), spec.requiredFlags(), spec.excludedFlags())) {
            List<String> args = new ArrayList<>(p.args());
            if (spec.configFile() != null) {
                args.add("--config");
                args.add("/include-files/" + Path.of(spec.configFile()).getFileName());
            }
            if (spec.cgroupParent() != null) {
                args.add("--cell-parent-cgroup");
                args.add(spec.cgroupParent());
            }
            args.addAll(spec.schedArgs());
            args.addAll(FlagProfiles.args(spec.flags(), profile));
            args.addAll(o.schedulerArgs());
            out.add(new SchedulerChoice(p.name(), bin, args, "", profile));
        }
        return out;
    }

    /**
     * The baseline scheduler of {@code relative_to} (resolved like {@code --scheduler}), or null; it must differ from
     * every scheduler under test, or each variant would be judged against itself.
     */
    static SchedulerChoice baseline(TestSpec spec, List<SchedulerChoice> underTest, Path kernel) {
        if (spec.relativeTo() == null) {
            return null;
        }
        for (var bounds : List.of(Map.entry("min_ratio", spec.relativeTo().minRatio()),
                Map.entry("max_ratio", spec.relativeTo().maxRatio()))) {
            for (String metric : bounds.getValue().keySet()) {
                if (MetricRegistry.find(metric).isEmpty()) {
                    throw new IllegalArgumentException("relative_to." + bounds.getKey() + "." + metric + ": '" + metric
                            + "' is not a metric of the registry (ktstr4j stats list-metrics lists them)");
                }
            }
        }
        SchedulerChoice b;
        try {
            b = override(spec.relativeTo().scheduler(), List.of(), kernel);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("relative_to.scheduler: " + e.getMessage().replaceFirst("^--scheduler: ",
                    ""), e);
        }
        for (SchedulerChoice s : underTest) {
            if (s.profile().equals(b.profile())) {
                throw new IllegalArgumentException("relative_to.scheduler: '" + spec.relativeTo().scheduler()
                        + "' is the scheduler under test (" + s.profile() + "); name a different baseline");
            }
        }
        return b;
    }

    /** {@code --scheduler}: "eevdf", a path, or the name of a scheduler shipped next to the kernel (scx/NAME). */
    static SchedulerChoice override(String s, List<String> args, Path kernel) {
        if (s.equalsIgnoreCase(SchedulerChoice.EEVDF)) {
            if (!args.isEmpty()) {
                throw new IllegalArgumentException("--scheduler-arg: eevdf takes no scheduler arguments");
            }
            return SchedulerChoice.eevdf();
        }
        return SchedulerChoice.binary(resolveBinary(s, kernel, "--scheduler"), args);
    }

    /**
     * A scheduler binary: an existing file, or a name shipped in {@code <kernel dir>/scx/}; it must be an x86_64 ELF
     * (checked here, before any boot, naming {@code field} and the file).
     */
    static Path resolveBinary(String s, Path kernel, String field) {
        Path p = Path.of(s);
        if (!Files.isRegularFile(p) && !s.contains("/") && kernel != null && kernel.toAbsolutePath().getParent() != null) {
            Path shipped = kernel.toAbsolutePath().getParent().resolve("scx").resolve(s);
            if (Files.isRegularFile(shipped)) {
                p = shipped;
            }
        }
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(field + ": '" + s + "' is neither 'eevdf', an existing file, nor a "
                    + "scheduler shipped in <kernel dir>/scx/");
        }
        try {
            ElfDeps.read(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(field + ": cannot read " + p + ": " + e.getMessage(), e);
        }
        return p;
    }
}
