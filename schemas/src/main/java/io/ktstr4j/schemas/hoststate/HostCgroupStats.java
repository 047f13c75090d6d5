package io.ktstr4j.schemas.hoststate;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * cpu.stat / memory.current of one host cgroup (ktstr's host_state {@code CgroupStats}). A value that could not be read
 * is 0, as ktstr writes it, and named in {@code missing} (host_state 1.1).
 *
 * @param missing the JSON names of the fields that could not be read
 */
public record HostCgroupStats(long cpuUsageUsec, long nrThrottled, long throttledUsec, long memoryCurrent,
                              @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> missing) {
    public HostCgroupStats {
        missing = Validate.list("missing", missing);
    }

    public HostCgroupStats(long cpuUsageUsec, long nrThrottled, long throttledUsec, long memoryCurrent) {
        this(cpuUsageUsec, nrThrottled, throttledUsec, memoryCurrent, List.of());
    }
}
