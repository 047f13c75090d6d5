package io.ktstr4j.schemas.event;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.Versioned;
import io.ktstr4j.schemas.failure.CrashInfo;
import io.ktstr4j.schemas.failure.MonitorVerdict;
import io.ktstr4j.schemas.failure.ReproResult;
import io.ktstr4j.schemas.failure.Timeline;
import io.ktstr4j.schemas.verdict.DetailKind;
import java.util.List;
import java.util.Map;

/**
 * Structured diagnosis of a failed run (what ktstr only prints as text sections).
 *
 * @param runKey        {@code test/variant_hash} or run id
 * @param variant       variant key
 * @param reasonKinds   kinds of the failure reasons
 * @param details       one line per finding (the header detail lines)
 * @param initStage     last init stage the guest reached
 * @param exitCode      guest/VM exit code, if any
 * @param timedOut      the watchdog ended the VM
 * @param crash         guest panic, if any
 * @param consoleTail   last console lines (20 by default)
 * @param schedulerLog  scheduler stdout/stderr (cycle-collapsed)
 * @param schedExtDump  {@code sched_ext_dump} lines
 * @param monitorVerdict the monitor's own verdict, if it ran
 * @param timeline      phases with monitor metrics
 * @param repro         auto-repro result, if one ran
 * @param extra         unknown fields, kept
 */
@com.fasterxml.jackson.databind.annotation.JsonAppend(prepend = true, props = @com.fasterxml.jackson.databind.annotation.JsonAppend.Prop(value = io.ktstr4j.schemas.json.SchemaPropertyWriter.class, name = "schema"))
// Read on its own (a ktstr file), the record has no "type" field; inside a RunEvent the body's "type" still applies.
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NONE)
@Versioned(name = "ktstr4j.failure_report", major = 1, minor = 0)
public record FailureReport(
        String runKey,
        String variant,
        List<DetailKind> reasonKinds,
        List<String> details,
        String initStage,
        Integer exitCode,
        boolean timedOut,
        CrashInfo crash,
        List<String> consoleTail,
        List<String> schedulerLog,
        List<String> schedExtDump,
        MonitorVerdict monitorVerdict,
        Timeline timeline,
        ReproResult repro,
        @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> extra)
        implements EventBody, io.ktstr4j.schemas.WithExtra {

    public FailureReport {
        Validate.nonBlank("run_key", runKey);
        reasonKinds = Validate.list("reason_kinds", reasonKinds);
        details = Validate.list("details", details);
        consoleTail = Validate.list("console_tail", consoleTail);
        schedulerLog = Validate.list("scheduler_log", schedulerLog);
        schedExtDump = Validate.list("sched_ext_dump", schedExtDump);
        extra = Validate.map(extra);
    }

    public FailureReport(String runKey, String variant, List<DetailKind> reasonKinds, List<String> details,
                         String initStage, Integer exitCode, boolean timedOut, CrashInfo crash,
                         List<String> consoleTail, List<String> schedulerLog, List<String> schedExtDump,
                         MonitorVerdict monitorVerdict, Timeline timeline, ReproResult repro) {
        this(runKey, variant, reasonKinds, details, initStage, exitCode, timedOut, crash, consoleTail, schedulerLog,
                schedExtDump, monitorVerdict, timeline, repro, Map.of());
    }
}
