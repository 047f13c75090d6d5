package io.ktstr4j.schemas.sidecar;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.Versioned;
import io.ktstr4j.schemas.monitor.MonitorSummary;
import io.ktstr4j.schemas.report.PayloadMetrics;
import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.ResolvedThresholds;
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
 * @param extra             fields this version does not know (kept and written back)
 */
@com.fasterxml.jackson.databind.annotation.JsonAppend(prepend = true, props = @com.fasterxml.jackson.databind.annotation.JsonAppend.Prop(value = io.ktstr4j.schemas.json.SchemaPropertyWriter.class, name = "schema"))
@Versioned(name = "ktstr4j.sidecar", major = 1, minor = 0, ktstrFormat = true)
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
        @JsonInclude(JsonInclude.Include.NON_NULL) ResolvedThresholds resolvedThresholds,
        @JsonInclude(JsonInclude.Include.NON_NULL) String backend,
        @JsonInclude(JsonInclude.Include.NON_NULL) String variantKey,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long durationMs,
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
        extra = Validate.map(extra);
        if (skipped && !passed)
            throw new io.ktstr4j.schemas.InvalidFieldException("passed", "must be true when skipped is true "
                    + "(ktstr marks skips as passed)");
        if (outcome != null && (outcome.ktstrPassed() != passed || outcome.ktstrSkipped() != skipped))
            throw new io.ktstr4j.schemas.InvalidFieldException("outcome", outcome + " contradicts passed="
                    + passed + ", skipped=" + skipped);
    }

    /** All fields except {@code extra}. */
    public SidecarResult(String testName, String topology, String scheduler, String schedulerCommit,
                         String projectCommit, String payload, List<PayloadMetrics> metrics, boolean passed,
                         boolean skipped, ScenarioStats stats, MonitorSummary monitor,
                         List<TimelineStimulusEvent> stimulusEvents, String workType, List<String> activeFlags,
                         List<VerifierStat> verifierStats, KvmStats kvmStats, List<String> sysctls, List<String> kargs,
                         String kernelVersion, String kernelCommit, String timestamp, String runId, HostContext host,
                         Long cleanupDurationMs, String runSource, Outcome outcome, List<Reason> reasons,
                         ResolvedThresholds resolvedThresholds, String backend, String variantKey, Long durationMs) {
        this(testName, topology, scheduler, schedulerCommit, projectCommit, payload, metrics, passed, skipped, stats,
                monitor, stimulusEvents, workType, activeFlags, verifierStats, kvmStats, sysctls, kargs, kernelVersion,
                kernelCommit, timestamp, runId, host, cleanupDurationMs, runSource, outcome, reasons, resolvedThresholds,
                backend, variantKey, durationMs, Map.of());
    }

    /** The outcome, derived from ktstr's flags when the record came from ktstr (no {@code outcome} field). */
    public Outcome effectiveOutcome() {
        if (outcome != null) return outcome;
        return skipped ? Outcome.SKIP : passed ? Outcome.PASS : Outcome.FAIL;
    }
}
