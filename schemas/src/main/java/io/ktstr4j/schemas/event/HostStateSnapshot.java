package io.ktstr4j.schemas.event;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.Versioned;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import io.ktstr4j.schemas.hoststate.CaptureStats;
import io.ktstr4j.schemas.hoststate.HostCgroupStats;
import io.ktstr4j.schemas.hoststate.ThreadState;
import io.ktstr4j.schemas.sidecar.HostContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every host thread's counters at one instant (ktstr {@code HostStateSnapshot}; the JSON inside {@code .hst.zst}).
 * The first four fields are ktstr 0.4.9's; the rest (1.1) are ktstr4j's, which ktstr's reader ignores.
 *
 * @param capturedAtUnixNs capture time
 * @param host             host context
 * @param threads          one entry per thread
 * @param cgroupStats      cgroup path → cpu.stat/memory.current
 * @param hostname         (1.1) the host's name: the record key on the hoststate topic
 * @param runId            (1.1) the run the capture was taken around, if any
 * @param phase            (1.1) why it was taken
 * @param capture          (1.1) how the walk went: its time, threads that vanished, readings not taken
 * @param extra            unknown fields, kept
 */
@com.fasterxml.jackson.databind.annotation.JsonAppend(prepend = true, props = @com.fasterxml.jackson.databind.annotation.JsonAppend.Prop(value = io.ktstr4j.schemas.json.SchemaPropertyWriter.class, name = "schema"))
// Read on its own (a ktstr file), the record has no "type" field; inside a RunEvent the body's "type" still applies.
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NONE)
@Versioned(name = "ktstr4j.host_state", major = 1, minor = 1, ktstrFormat = true)
public record HostStateSnapshot(long capturedAtUnixNs, HostContext host, List<ThreadState> threads,
                                Map<String, HostCgroupStats> cgroupStats,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String hostname,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String runId,
                                @JsonInclude(JsonInclude.Include.NON_NULL) CapturePhase phase,
                                @JsonInclude(JsonInclude.Include.NON_NULL) CaptureStats capture,
                                @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY)
                                Map<String, Object> extra) implements EventBody, io.ktstr4j.schemas.WithExtra {
    public HostStateSnapshot {
        Validate.nonNegative("captured_at_unix_ns", capturedAtUnixNs);
        threads = Validate.list("threads", threads);
        cgroupStats = cgroupStats == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(cgroupStats));
        extra = Validate.map(extra);
    }

    /** A capture as ktstr 0.4.9 writes it: no ktstr4j fields. */
    public HostStateSnapshot(long capturedAtUnixNs, HostContext host, List<ThreadState> threads,
                             Map<String, HostCgroupStats> cgroupStats) {
        this(capturedAtUnixNs, host, threads, cgroupStats, null, null, null, null, Map.of());
    }

    /** This capture, taken around {@code runId} in {@code phase}. */
    public HostStateSnapshot aroundRun(String runId, CapturePhase phase) {
        return new HostStateSnapshot(capturedAtUnixNs, host, threads, cgroupStats, hostname, runId, phase, capture,
                extra);
    }

    /** Its standalone event id: {@code host.state/<host>/<captured_at_unix_ns>}, the same when published again. */
    public String eventId() {
        return "host.state/" + hostLabel() + "/" + capturedAtUnixNs;
    }

    /** The host's name for ids and file names: {@code unknown} for a capture that names none (a ktstr file). */
    public String hostLabel() {
        return hostname == null ? "unknown" : hostname;
    }
}
