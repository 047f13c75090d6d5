package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.hoststate.HostCgroupStats;
import java.util.Collection;
import java.util.function.ToLongFunction;

/** The fields of a cgroup's stats, and how entries flattened to one key merge. */
enum CgroupField {
    CPU_USAGE_USEC("cpu_usage_usec", HostCgroupStats::cpuUsageUsec, false),
    NR_THROTTLED("nr_throttled", HostCgroupStats::nrThrottled, false),
    THROTTLED_USEC("throttled_usec", HostCgroupStats::throttledUsec, false),
    // An instantaneous size: summing cgroups would overstate it, so the merged value is the largest.
    MEMORY_CURRENT("memory_current", HostCgroupStats::memoryCurrent, true);

    private final String jsonName;
    private final ToLongFunction<HostCgroupStats> reading;
    private final boolean max;

    CgroupField(String jsonName, ToLongFunction<HostCgroupStats> reading, boolean max) {
        this.jsonName = jsonName;
        this.reading = reading;
        this.max = max;
    }

    /** The merged value of the entries read for this field (null when none was), and how many were not read. */
    Merged merge(Collection<HostCgroupStats> entries) {
        Long value = null;
        int unread = 0;
        for (HostCgroupStats s : entries) {
            if (s.missing().contains(jsonName)) {
                unread++;
                continue;
            }
            long v = reading.applyAsLong(s);
            value = value == null ? v : max ? Math.max(value, v) : Saturating.add(value, v);
        }
        return new Merged(value, unread);
    }

    record Merged(Long value, int unread) {
    }
}
