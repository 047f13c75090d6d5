package io.ktstr4j.schemas.sidecar;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.Versioned;
import io.ktstr4j.schemas.monitor.MonitorSummary;
import io.ktstr4j.schemas.report.PayloadMetrics;
import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import java.util.List;
import java.util.Map;

/**
 * The result record of one test variant: ktstr's sidecar ({@code *.ktstr.json}) with identical field names, so
 * ktstr sidecars read into this record and ours are readable by ktstr tooling (which ignores unknown fields).
 * The fields after {@code runSource} are ktstr4j additions; they are null when reading a ktstr file and then omitted
 * on writing, so a ktstr sidecar writes back unchanged (plus the {@code schema} field).
 *
 * @param testName          bare test name
 * @param topology          topology label, e.g. {@code 1n2l4c1t}
 * @param scheduler         scheduler name, {@code eevdf} when no sched_ext scheduler ran
 * @param schedulerCommit   reserved by ktstr, null
 * @param projectCommit     project HEAD (7 hex, optional {@code -dirty})
 * @param payload           primary payload name
 * @param metrics           one entry per payload invocation
 * @param passed            overall verdict (true for skips too)
 * @param skipped           the run was skipped
 * @param stats             scenario statistics
 * @param monitor           monitor summary, null if the monitor did not run
 * @param stimulusEvents    step markers
 * @param workType          PascalCase work type name
 * @param activeFlags       sorted flag names of the profile
 * @param verifierStats     per struct_ops program
 * @param kvmStats          per-vCPU KVM stats, or null
 * @param sysctls           raw {@code sysctl.key=value} strings
 * @param kargs             extra guest kernel arguments
 * @param kernelVersion     kernel release
 * @param kernelCommit      kernel source HEAD
 * @param timestamp         ISO 8601 run start
 * @param runId             ktstr run id {@code YYYYMMDDTHHMMSSZ-counter} (or ours)
 * @param host              host context
 * @param cleanupDurationMs VM teardown time
 * @param runSource         {@code local}, {@code ci} or {@code archive}
 * @param outcome           ktstr4j: the five-state outcome
 * @param reasons           ktstr4j: why
 * @param resolvedThresholds ktstr4j: thresholds the checks used
 * @param backend           ktstr4j: {@code kvm} or {@code qemu}
 * @param variantKey        ktstr4j: the variant key (test/preset/profile[/kernel])
 * @param durationMs        ktstr4j: wall time of the whole run
 * @param variantHash       ktstr4j (1.1): ktstr's variant hash, 16 lowercase hex digits (the file name's suffix)
 * @param cpuOvercommit     ktstr4j (1.1): guest vCPUs per online host CPU the run was under (2.0 = twice as many
 *                          vCPUs as host CPUs); part of the pairing key of a comparison
 * @param tcg               ktstr4j (1.1): the guest ran under QEMU's software emulation (TCG), not hardware
 *                          virtualization; part of the pairing key of a comparison
 * @param hostState         ktstr4j (1.2): where the host-state captures taken around the run are (docs/host-state.md)
 * @param execution         ktstr4j (1.3): the trial, attempt and CPU budget the gauntlet ran it under
 * @param extra             fields this version does not know (kept and written back)
 */
@com.fasterxml.jackson.databind.annotation.JsonAppend(prepend = true, props = @com.fasterxml.jackson.databind.annotation.JsonAppend.Prop(value = io.ktstr4j.schemas.json.SchemaPropertyWriter.class, name = "schema"))
@Versioned(name = "ktstr4j.sidecar", major = 1, minor = 3, ktstrFormat = true)
public record SidecarResult(
        String testName,
        String topology,
        String scheduler,
        String schedulerCommit,
        String projectCommit,
        String payload,
        List<PayloadMetrics> metrics,
        boolean passed,
        boolean skipped,
        ScenarioStats stats,
        MonitorSummary monitor,
        List<TimelineStimulusEvent> stimulusEvents,
        String workType,
        List<String> activeFlags,
        List<VerifierStat> verifierStats,
        KvmStats kvmStats,
        List<String> sysctls,
        List<String> kargs,
        String kernelVersion,
        String kernelCommit,
        String timestamp,
        String runId,
        HostContext host,
        Long cleanupDurationMs,
        String runSource,
        @JsonInclude(JsonInclude.Include.NON_NULL) Outcome outcome,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Reason> reasons,
        @JsonInclude(JsonInclude.Include.NON_NULL) AssertThresholds resolvedThresholds,
        @JsonInclude(JsonInclude.Include.NON_NULL) String backend,
        @JsonInclude(JsonInclude.Include.NON_NULL) String variantKey,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long durationMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) String variantHash,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double cpuOvercommit,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean tcg,
        @JsonInclude(JsonInclude.Include.NON_NULL) io.ktstr4j.schemas.hoststate.HostStateRefs hostState,
        @JsonInclude(JsonInclude.Include.NON_NULL) RunExecution execution,
        @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> extra) implements io.ktstr4j.schemas.WithExtra {

    public SidecarResult {
        Validate.nonBlank("test_name", testName);
        Validate.nonBlank("topology", topology);
        Validate.nonBlank("scheduler", scheduler);
        metrics = Validate.list("metrics", metrics);
        Validate.required("stats", stats);
        stimulusEvents = Validate.list("stimulus_events", stimulusEvents);
        Validate.nonBlank("work_type", workType);
        activeFlags = Validate.list("active_flags", activeFlags).stream().sorted().toList();
        verifierStats = Validate.list("verifier_stats", verifierStats);
        sysctls = Validate.list("sysctls", sysctls);
        kargs = Validate.list("kargs", kargs);
        Validate.nonBlank("timestamp", timestamp);
        Validate.nonBlank("run_id", runId);
        reasons = Validate.optionalList("reasons", reasons);
        if (variantHash != null && !VARIANT_HASH.matcher(variantHash).matches())
            throw new io.ktstr4j.schemas.InvalidFieldException("variant_hash", "'" + variantHash
                    + "' is not 16 lowercase hex digits");
        if (cpuOvercommit != null)
            Validate.positive("cpu_overcommit", cpuOvercommit);
        extra = Validate.map(extra);
        if (skipped && !passed)
            throw new io.ktstr4j.schemas.InvalidFieldException("passed", "must be true when skipped is true "
                    + "(ktstr marks skips as passed)");
        if (outcome != null && (outcome.ktstrPassed() != passed || outcome.ktstrSkipped() != skipped))
            throw new io.ktstr4j.schemas.InvalidFieldException("outcome", outcome + " contradicts passed="
                    + passed + ", skipped=" + skipped);
    }

    private static final java.util.regex.Pattern VARIANT_HASH = java.util.regex.Pattern.compile("[0-9a-f]{16}");

    /** The outcome, derived from ktstr's flags when the record came from ktstr (no {@code outcome} field). */
    public Outcome effectiveOutcome() {
        if (outcome != null) return outcome;
        return skipped ? Outcome.SKIP : passed ? Outcome.PASS : Outcome.FAIL;
    }

    /** A builder with every field unset; see {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's fields, to build a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.testName = testName;
        b.topology = topology;
        b.scheduler = scheduler;
        b.schedulerCommit = schedulerCommit;
        b.projectCommit = projectCommit;
        b.payload = payload;
        b.metrics = metrics;
        b.passed = passed;
        b.skipped = skipped;
        b.stats = stats;
        b.monitor = monitor;
        b.stimulusEvents = stimulusEvents;
        b.workType = workType;
        b.activeFlags = activeFlags;
        b.verifierStats = verifierStats;
        b.kvmStats = kvmStats;
        b.sysctls = sysctls;
        b.kargs = kargs;
        b.kernelVersion = kernelVersion;
        b.kernelCommit = kernelCommit;
        b.timestamp = timestamp;
        b.runId = runId;
        b.host = host;
        b.cleanupDurationMs = cleanupDurationMs;
        b.runSource = runSource;
        b.outcome = outcome;
        b.reasons = reasons;
        b.resolvedThresholds = resolvedThresholds;
        b.backend = backend;
        b.variantKey = variantKey;
        b.durationMs = durationMs;
        b.variantHash = variantHash;
        b.cpuOvercommit = cpuOvercommit;
        b.tcg = tcg;
        b.hostState = hostState;
        b.execution = execution;
        b.extra = extra;
        return b;
    }

    /**
     * Builds a {@link SidecarResult} field by field, one setter per field. Required: {@code testName},
     * {@code topology}, {@code scheduler}, {@code stats}, {@code workType}, {@code timestamp} and {@code runId}; a field
     * not set is null, false or empty (and the ktstr4j additions are then omitted from the JSON).
     */
    public static final class Builder {
        private String testName;
        private String topology;
        private String scheduler;
        private String schedulerCommit;
        private String projectCommit;
        private String payload;
        private List<PayloadMetrics> metrics;
        private boolean passed;
        private boolean skipped;
        private ScenarioStats stats;
        private MonitorSummary monitor;
        private List<TimelineStimulusEvent> stimulusEvents;
        private String workType;
        private List<String> activeFlags;
        private List<VerifierStat> verifierStats;
        private KvmStats kvmStats;
        private List<String> sysctls;
        private List<String> kargs;
        private String kernelVersion;
        private String kernelCommit;
        private String timestamp;
        private String runId;
        private HostContext host;
        private Long cleanupDurationMs;
        private String runSource;
        private Outcome outcome;
        private List<Reason> reasons;
        private AssertThresholds resolvedThresholds;
        private String backend;
        private String variantKey;
        private Long durationMs;
        private String variantHash;
        private Double cpuOvercommit;
        private Boolean tcg;
        private io.ktstr4j.schemas.hoststate.HostStateRefs hostState;
        private RunExecution execution;
        private Map<String, Object> extra;

        private Builder() {}

        public Builder testName(String testName) {
            this.testName = testName;
            return this;
        }

        public Builder topology(String topology) {
            this.topology = topology;
            return this;
        }

        public Builder scheduler(String scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        public Builder schedulerCommit(String schedulerCommit) {
            this.schedulerCommit = schedulerCommit;
            return this;
        }

        public Builder projectCommit(String projectCommit) {
            this.projectCommit = projectCommit;
            return this;
        }

        public Builder payload(String payload) {
            this.payload = payload;
            return this;
        }

        public Builder metrics(List<PayloadMetrics> metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder passed(boolean passed) {
            this.passed = passed;
            return this;
        }

        public Builder skipped(boolean skipped) {
            this.skipped = skipped;
            return this;
        }

        public Builder stats(ScenarioStats stats) {
            this.stats = stats;
            return this;
        }

        public Builder monitor(MonitorSummary monitor) {
            this.monitor = monitor;
            return this;
        }

        public Builder stimulusEvents(List<TimelineStimulusEvent> stimulusEvents) {
            this.stimulusEvents = stimulusEvents;
            return this;
        }

        public Builder workType(String workType) {
            this.workType = workType;
            return this;
        }

        public Builder activeFlags(List<String> activeFlags) {
            this.activeFlags = activeFlags;
            return this;
        }

        public Builder verifierStats(List<VerifierStat> verifierStats) {
            this.verifierStats = verifierStats;
            return this;
        }

        public Builder kvmStats(KvmStats kvmStats) {
            this.kvmStats = kvmStats;
            return this;
        }

        public Builder sysctls(List<String> sysctls) {
            this.sysctls = sysctls;
            return this;
        }

        public Builder kargs(List<String> kargs) {
            this.kargs = kargs;
            return this;
        }

        public Builder kernelVersion(String kernelVersion) {
            this.kernelVersion = kernelVersion;
            return this;
        }

        public Builder kernelCommit(String kernelCommit) {
            this.kernelCommit = kernelCommit;
            return this;
        }

        public Builder timestamp(String timestamp) {
            this.timestamp = timestamp;
            return this;
        }

        public Builder runId(String runId) {
            this.runId = runId;
            return this;
        }

        public Builder host(HostContext host) {
            this.host = host;
            return this;
        }

        public Builder cleanupDurationMs(Long cleanupDurationMs) {
            this.cleanupDurationMs = cleanupDurationMs;
            return this;
        }

        public Builder runSource(String runSource) {
            this.runSource = runSource;
            return this;
        }

        public Builder outcome(Outcome outcome) {
            this.outcome = outcome;
            return this;
        }

        public Builder reasons(List<Reason> reasons) {
            this.reasons = reasons;
            return this;
        }

        public Builder resolvedThresholds(AssertThresholds resolvedThresholds) {
            this.resolvedThresholds = resolvedThresholds;
            return this;
        }

        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        public Builder variantKey(String variantKey) {
            this.variantKey = variantKey;
            return this;
        }

        public Builder durationMs(Long durationMs) {
            this.durationMs = durationMs;
            return this;
        }

        public Builder variantHash(String variantHash) {
            this.variantHash = variantHash;
            return this;
        }

        public Builder cpuOvercommit(Double cpuOvercommit) {
            this.cpuOvercommit = cpuOvercommit;
            return this;
        }

        public Builder tcg(Boolean tcg) {
            this.tcg = tcg;
            return this;
        }

        public Builder hostState(io.ktstr4j.schemas.hoststate.HostStateRefs hostState) {
            this.hostState = hostState;
            return this;
        }

        public Builder execution(RunExecution execution) {
            this.execution = execution;
            return this;
        }

        public Builder extra(Map<String, Object> extra) {
            this.extra = extra;
            return this;
        }

        /** The record, checked and defaulted by its constructor. */
        public SidecarResult build() {
            return new SidecarResult(testName, topology, scheduler, schedulerCommit, projectCommit, payload, metrics,
                    passed, skipped, stats, monitor, stimulusEvents, workType, activeFlags, verifierStats, kvmStats,
                    sysctls, kargs, kernelVersion, kernelCommit, timestamp, runId, host, cleanupDurationMs, runSource,
                    outcome, reasons, resolvedThresholds, backend, variantKey, durationMs, variantHash, cpuOvercommit,
                    tcg, hostState, execution, extra);
        }
    }
}
