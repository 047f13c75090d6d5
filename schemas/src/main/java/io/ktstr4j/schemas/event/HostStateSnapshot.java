package io.ktstr4j.schemas.event;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.Versioned;
import io.ktstr4j.schemas.hoststate.HostCgroupStats;
import io.ktstr4j.schemas.hoststate.ThreadState;
import io.ktstr4j.schemas.sidecar.HostContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every host thread's counters at one instant (ktstr {@code HostStateSnapshot}; the JSON inside {@code .hst.zst}).
 *
 * @param capturedAtUnixNs capture time
 * @param host             host context
 * @param threads          one entry per thread
 * @param cgroupStats      cgroup path → cpu.stat/memory.current
 * @param extra            unknown fields, kept
 */
@com.fasterxml.jackson.databind.annotation.JsonAppend(prepend = true, props = @com.fasterxml.jackson.databind.annotation.JsonAppend.Prop(value = io.ktstr4j.schemas.json.SchemaPropertyWriter.class, name = "schema"))
// Read on its own (a ktstr file), the record has no "type" field; inside a RunEvent the body's "type" still applies.
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NONE)
@Versioned(name = "ktstr4j.host_state", major = 1, minor = 0, ktstrFormat = true)
public record HostStateSnapshot(long capturedAtUnixNs, HostContext host, List<ThreadState> threads,
                                Map<String, HostCgroupStats> cgroupStats,
                                @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY)
                                Map<String, Object> extra) implements EventBody, io.ktstr4j.schemas.WithExtra {
    public HostStateSnapshot {
        threads = Validate.list("threads", threads);
        cgroupStats = cgroupStats == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(cgroupStats));
        extra = Validate.map(extra);
    }

    public HostStateSnapshot(long capturedAtUnixNs, HostContext host, List<ThreadState> threads,
                             Map<String, HostCgroupStats> cgroupStats) {
        this(capturedAtUnixNs, host, threads, cgroupStats, Map.of());
    }
}
