package io.ktstr4j.schemas.monitor;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One CPU's run-queue state read from guest memory (ktstr {@code CpuSnapshot}). Optional parts are omitted from
 * JSON when the kernel or config does not provide them. {@code kvmStats}: the vCPU's KVM statistics (cumulative
 * counters such as {@code exits}, {@code halt_exits}, {@code halt_successful_poll}) where the backend reads them
 * ({@code KVM_GET_STATS_FD}, the Java VMM).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CpuSnapshot(
        long nrRunning,
        long scxNrRunning,
        long localDsqDepth,
        long rqClock,
        long scxFlags,
        ScxEventCounters eventCounters,
        RqSchedstat schedstat,
        Long vcpuCpuTimeNs,
        List<SchedDomainSnapshot> schedDomains,
        Map<String, Long> kvmStats) {

    public CpuSnapshot {
        schedDomains = Validate.optionalList("sched_domains", schedDomains);
        kvmStats = kvmStats == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(kvmStats));
    }

    /** Only the always-present run-queue counters. */
    public static CpuSnapshot basic(long nrRunning, long scxNrRunning, long localDsqDepth, long rqClock, long scxFlags) {
        return new CpuSnapshot(nrRunning, scxNrRunning, localDsqDepth, rqClock, scxFlags, null, null, null, null, null);
    }
}
