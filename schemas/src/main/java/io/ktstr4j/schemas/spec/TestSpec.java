package io.ktstr4j.schemas.spec;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonAppend;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.Versioned;
import io.ktstr4j.schemas.WithExtra;
import io.ktstr4j.schemas.json.SchemaPropertyWriter;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.topology.Topology;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a test declares (ktstr's {@code #[ktstr_test]} attributes plus the scheduler definition). Omitted fields
 * take ktstr's defaults, shown per field.
 *
 * @param name              test name (required)
 * @param topology          base topology (default {@code 1n1l2c1t}); JSON accepts a label string or an object
 * @param scheduler         scheduler under test (default {@code eevdf})
 * @param schedArgs         extra scheduler arguments of this test ({@code extra_sched_args})
 * @param flags             the scheduler's declared flags; profiles are their admissible combinations
 * @param requiredFlags     flags every profile must include
 * @param excludedFlags     flags no profile may include
 * @param cgroupParent      {@code --cell-parent-cgroup} path, or null
 * @param configFile        scheduler config file to include and pass as {@code --config}, or null
 * @param sysctls           {@code key → value}, passed as {@code sysctl.key=value} kernel arguments
 * @param kargs             extra kernel arguments (must not override nokaslr, console=, loglevel=, init=, rdinit=)
 * @param kernel            kernel path (the CLI reads a relative one from the spec's folder); null = the default
 * @param durationMs        scenario duration (default 2000)
 * @param workersPerCgroup  workers for cgroups that do not say (default 2)
 * @param memoryMb          guest RAM (default 2048)
 * @param watchdogTimeoutMs sched_ext watchdog timeout set in the guest (default 4000)
 * @param vmTimeoutMs       host watchdog for the whole VM (default 60000)
 * @param constraints       accepted topologies for the gauntlet
 * @param schedulerAssert   the scheduler's own threshold overrides (merged before the test's)
 * @param assertions        the test's threshold overrides (JSON {@code assert})
 * @param numSnapshots      equally spaced periodic snapshots during the scenario (default 0)
 * @param plan              the scenario as data (exactly one of plan / scenario)
 * @param scenario          name of a canned scenario (exactly one of plan / scenario)
 * @param payload           primary payload binary name, or null
 * @param autoRepro         boot a probe VM when the scheduler dies (default true)
 * @param performanceMode   pin vCPUs, hugepages (default false)
 * @param expectErr         the test passes when it fails (default false)
 * @param hostOnly          run on the host, no VM (default false)
 * @param extraIncludeFiles host files copied into the initramfs under {@code /include-files/}
 * @param bpfMapWrite       a fault to inject after the scheduler loads, or null
 * @param cleanupBudgetMs   VM teardown longer than this fails the test, or null
 * @param relativeTo        judge each variant against a baseline scheduler's run on the same topology, or null (1.1)
 * @param extra             unknown fields from a newer minor version, kept
 */
@JsonAppend(prepend = true, props = @JsonAppend.Prop(value = SchemaPropertyWriter.class, name = "schema"))
@Versioned(name = "ktstr4j.test_spec", major = 1, minor = 1)
public record TestSpec(
        String name,
        Topology topology,
        SchedulerSpec scheduler,
        List<String> schedArgs,
        List<FlagDecl> flags,
        List<String> requiredFlags,
        List<String> excludedFlags,
        String cgroupParent,
        String configFile,
        Map<String, String> sysctls,
        List<String> kargs,
        String kernel,
        Long durationMs,
        Integer workersPerCgroup,
        Long memoryMb,
        Long watchdogTimeoutMs,
        Long vmTimeoutMs,
        Constraints constraints,
        AssertThresholds schedulerAssert,
        @JsonProperty("assert") AssertThresholds assertions,
        Integer numSnapshots,
        ScenarioPlan plan,
        String scenario,
        String payload,
        Boolean autoRepro,
        Boolean performanceMode,
        Boolean expectErr,
        Boolean hostOnly,
        List<String> extraIncludeFiles,
        BpfMapWrite bpfMapWrite,
        Long cleanupBudgetMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) RelativeTo relativeTo,
        @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> extra)
        implements WithExtra {

    /** Kernel arguments the guest contract owns; kargs may not set them. */
    public static final List<String> PROTECTED_KARGS = List.of("nokaslr", "console=", "loglevel=", "init=", "rdinit=",
            "KTSTR_SHM_BASE=", "KTSTR_SHM_SIZE=", "KTSTR_MODE=");

    /** {@code watchdog_timeout_ms} when the spec does not say (ktstr's default). */
    public static final long DEFAULT_WATCHDOG_TIMEOUT_MS = 4000;

    public TestSpec {
        Validate.nonBlank("name", name);
        if (topology == null) topology = Topology.of(1, 1, 2, 1);
        if (scheduler == null) scheduler = new SchedulerSpec.Eevdf();
        schedArgs = Validate.list("sched_args", schedArgs);
        flags = Validate.list("flags", flags);
        requiredFlags = Validate.list("required_flags", requiredFlags);
        excludedFlags = Validate.list("excluded_flags", excludedFlags);
        sysctls = sysctls == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(sysctls));
        kargs = Validate.list("kargs", kargs);
        durationMs = Validate.atLeast("duration_ms", durationMs == null ? 2000 : durationMs, 1);
        workersPerCgroup = (int) Validate.atLeast("workers_per_cgroup", workersPerCgroup == null ? 2 : workersPerCgroup, 1);
        memoryMb = Validate.atLeast("memory_mb", memoryMb == null ? 2048 : memoryMb, 128);
        watchdogTimeoutMs = Validate.atLeast("watchdog_timeout_ms", watchdogTimeoutMs == null ? DEFAULT_WATCHDOG_TIMEOUT_MS : watchdogTimeoutMs, 1);
        vmTimeoutMs = Validate.atLeast("vm_timeout_ms", vmTimeoutMs == null ? 60_000 : vmTimeoutMs, 1);
        if (constraints == null) constraints = Constraints.defaults();
        if (schedulerAssert == null) schedulerAssert = AssertThresholds.EMPTY;
        if (assertions == null) assertions = AssertThresholds.EMPTY;
        numSnapshots = (int) Validate.nonNegative("num_snapshots", numSnapshots == null ? 0 : numSnapshots);
        if (autoRepro == null) autoRepro = true;
        if (performanceMode == null) performanceMode = false;
        if (expectErr == null) expectErr = false;
        if (hostOnly == null) hostOnly = false;
        extraIncludeFiles = Validate.list("extra_include_files", extraIncludeFiles);
        if (cleanupBudgetMs != null) Validate.atLeast("cleanup_budget_ms", cleanupBudgetMs, 1);
        extra = Validate.map(extra);

        if (plan != null && scenario != null)
            throw new InvalidFieldException("scenario", "give either plan or scenario, not both");
        if (plan == null && (scenario == null || scenario.isBlank()))
            throw new InvalidFieldException("plan", "is required (or name a canned scenario in 'scenario')");
        for (int i = 0; i < kargs.size(); i++) {
            String k = kargs.get(i);
            for (String p : PROTECTED_KARGS)
                if (k.equals(p) || (p.endsWith("=") && k.startsWith(p)))
                    throw new InvalidFieldException("kargs[" + i + "]", "'" + k + "' overrides a protected kernel "
                            + "argument (" + p + "); the guest contract sets it");
        }
        for (String key : sysctls.keySet())
            if (key.isBlank() || key.contains("=") || key.contains(" "))
                throw new InvalidFieldException("sysctls", "'" + key + "' is not a sysctl name like kernel.sched_x");
        checkFlags(flags, requiredFlags, excludedFlags);
    }

    /** A minimal spec: a name and a canned scenario. */
    public static TestSpec of(String name, String scenario) {
        return builder().name(name).scenario(scenario).build();
    }

    /** The sysctls as kernel arguments ({@code sysctl.key=value}), sorted by key. */
    public List<String> sysctlKargs() {
        return sysctls.entrySet().stream().map(e -> "sysctl." + e.getKey() + "=" + e.getValue()).toList();
    }

    private static void checkFlags(List<FlagDecl> flags, List<String> required, List<String> excluded) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < flags.size(); i++)
            if (!names.add(flags.get(i).name()))
                throw new InvalidFieldException("flags[" + i + "].name", "'" + flags.get(i).name() + "' is declared twice");
        for (int i = 0; i < flags.size(); i++)
            for (String r : flags.get(i).requires())
                if (!names.contains(r))
                    throw new InvalidFieldException("flags[" + i + "].requires", "'" + r + "' is not a declared flag");
        for (int i = 0; i < required.size(); i++)
            if (!names.contains(required.get(i)))
                throw new InvalidFieldException("required_flags[" + i + "]", "'" + required.get(i) + "' is not a declared flag");
        for (int i = 0; i < excluded.size(); i++) {
            if (!names.contains(excluded.get(i)))
                throw new InvalidFieldException("excluded_flags[" + i + "]", "'" + excluded.get(i) + "' is not a declared flag");
            if (required.contains(excluded.get(i)))
                throw new InvalidFieldException("excluded_flags[" + i + "]", "'" + excluded.get(i) + "' is also required");
        }
    }

    /** A builder with every field unset; see {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's fields, to build a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.topology = topology;
        b.scheduler = scheduler;
        b.schedArgs = schedArgs;
        b.flags = flags;
        b.requiredFlags = requiredFlags;
        b.excludedFlags = excludedFlags;
        b.cgroupParent = cgroupParent;
        b.configFile = configFile;
        b.sysctls = sysctls;
        b.kargs = kargs;
        b.kernel = kernel;
        b.durationMs = durationMs;
        b.workersPerCgroup = workersPerCgroup;
        b.memoryMb = memoryMb;
        b.watchdogTimeoutMs = watchdogTimeoutMs;
        b.vmTimeoutMs = vmTimeoutMs;
        b.constraints = constraints;
        b.schedulerAssert = schedulerAssert;
        b.assertions = assertions;
        b.numSnapshots = numSnapshots;
        b.plan = plan;
        b.scenario = scenario;
        b.payload = payload;
        b.autoRepro = autoRepro;
        b.performanceMode = performanceMode;
        b.expectErr = expectErr;
        b.hostOnly = hostOnly;
        b.extraIncludeFiles = extraIncludeFiles;
        b.bpfMapWrite = bpfMapWrite;
        b.cleanupBudgetMs = cleanupBudgetMs;
        b.relativeTo = relativeTo;
        b.extra = extra;
        return b;
    }

    /**
     * Builds a {@link TestSpec} field by field, one setter per field. Required: {@code name} and one of
     * {@code plan} / {@code scenario}; a field not set is null and takes the default documented on the record, as when
     * the JSON omits it.
     */
    public static final class Builder {
        private String name;
        private Topology topology;
        private SchedulerSpec scheduler;
        private List<String> schedArgs;
        private List<FlagDecl> flags;
        private List<String> requiredFlags;
        private List<String> excludedFlags;
        private String cgroupParent;
        private String configFile;
        private Map<String, String> sysctls;
        private List<String> kargs;
        private String kernel;
        private Long durationMs;
        private Integer workersPerCgroup;
        private Long memoryMb;
        private Long watchdogTimeoutMs;
        private Long vmTimeoutMs;
        private Constraints constraints;
        private AssertThresholds schedulerAssert;
        private AssertThresholds assertions;
        private Integer numSnapshots;
        private ScenarioPlan plan;
        private String scenario;
        private String payload;
        private Boolean autoRepro;
        private Boolean performanceMode;
        private Boolean expectErr;
        private Boolean hostOnly;
        private List<String> extraIncludeFiles;
        private BpfMapWrite bpfMapWrite;
        private Long cleanupBudgetMs;
        private RelativeTo relativeTo;
        private Map<String, Object> extra;

        private Builder() {}

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder topology(Topology topology) {
            this.topology = topology;
            return this;
        }

        public Builder scheduler(SchedulerSpec scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        public Builder schedArgs(List<String> schedArgs) {
            this.schedArgs = schedArgs;
            return this;
        }

        public Builder flags(List<FlagDecl> flags) {
            this.flags = flags;
            return this;
        }

        public Builder requiredFlags(List<String> requiredFlags) {
            this.requiredFlags = requiredFlags;
            return this;
        }

        public Builder excludedFlags(List<String> excludedFlags) {
            this.excludedFlags = excludedFlags;
            return this;
        }

        public Builder cgroupParent(String cgroupParent) {
            this.cgroupParent = cgroupParent;
            return this;
        }

        public Builder configFile(String configFile) {
            this.configFile = configFile;
            return this;
        }

        public Builder sysctls(Map<String, String> sysctls) {
            this.sysctls = sysctls;
            return this;
        }

        public Builder kargs(List<String> kargs) {
            this.kargs = kargs;
            return this;
        }

        public Builder kernel(String kernel) {
            this.kernel = kernel;
            return this;
        }

        public Builder durationMs(Long durationMs) {
            this.durationMs = durationMs;
            return this;
        }

        public Builder workersPerCgroup(Integer workersPerCgroup) {
            this.workersPerCgroup = workersPerCgroup;
            return this;
        }

        public Builder memoryMb(Long memoryMb) {
            this.memoryMb = memoryMb;
            return this;
        }

        public Builder watchdogTimeoutMs(Long watchdogTimeoutMs) {
            this.watchdogTimeoutMs = watchdogTimeoutMs;
            return this;
        }

        public Builder vmTimeoutMs(Long vmTimeoutMs) {
            this.vmTimeoutMs = vmTimeoutMs;
            return this;
        }

        public Builder constraints(Constraints constraints) {
            this.constraints = constraints;
            return this;
        }

        public Builder schedulerAssert(AssertThresholds schedulerAssert) {
            this.schedulerAssert = schedulerAssert;
            return this;
        }

        public Builder assertions(AssertThresholds assertions) {
            this.assertions = assertions;
            return this;
        }

        public Builder numSnapshots(Integer numSnapshots) {
            this.numSnapshots = numSnapshots;
            return this;
        }

        public Builder plan(ScenarioPlan plan) {
            this.plan = plan;
            return this;
        }

        public Builder scenario(String scenario) {
            this.scenario = scenario;
            return this;
        }

        public Builder payload(String payload) {
            this.payload = payload;
            return this;
        }

        public Builder autoRepro(Boolean autoRepro) {
            this.autoRepro = autoRepro;
            return this;
        }

        public Builder performanceMode(Boolean performanceMode) {
            this.performanceMode = performanceMode;
            return this;
        }

        public Builder expectErr(Boolean expectErr) {
            this.expectErr = expectErr;
            return this;
        }

        public Builder hostOnly(Boolean hostOnly) {
            this.hostOnly = hostOnly;
            return this;
        }

        public Builder extraIncludeFiles(List<String> extraIncludeFiles) {
            this.extraIncludeFiles = extraIncludeFiles;
            return this;
        }

        public Builder bpfMapWrite(BpfMapWrite bpfMapWrite) {
            this.bpfMapWrite = bpfMapWrite;
            return this;
        }

        public Builder cleanupBudgetMs(Long cleanupBudgetMs) {
            this.cleanupBudgetMs = cleanupBudgetMs;
            return this;
        }

        public Builder relativeTo(RelativeTo relativeTo) {
            this.relativeTo = relativeTo;
            return this;
        }

        public Builder extra(Map<String, Object> extra) {
            this.extra = extra;
            return this;
        }

        /** The record, checked and defaulted by its constructor. */
        public TestSpec build() {
            return new TestSpec(name, topology, scheduler, schedArgs, flags, requiredFlags, excludedFlags, cgroupParent,
                    configFile, sysctls, kargs, kernel, durationMs, workersPerCgroup, memoryMb, watchdogTimeoutMs,
                    vmTimeoutMs, constraints, schedulerAssert, assertions, numSnapshots, plan, scenario, payload,
                    autoRepro, performanceMode, expectErr, hostOnly, extraIncludeFiles, bpfMapWrite, cleanupBudgetMs,
                    relativeTo, extra);
        }
    }
}
