package io.ktstr4j.schemas.sidecar;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host a run executed on (ktstr {@code HostContext}). Every field is optional; as in ktstr, absent values are
 * omitted from JSON and the governor map is omitted when empty.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostContext(
        String cpuModel,
        String cpuVendor,
        Long totalMemoryKb,
        Long hugepagesTotal,
        Long hugepagesFree,
        Long hugepagesSizeKb,
        String thpEnabled,
        String thpDefrag,
        Map<String, String> schedTunables,
        Integer onlineCpus,
        Integer numaNodes,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<Integer, String> cpufreqGovernor,
        String kernelName,
        String kernelRelease,
        String arch,
        String kernelCmdline,
        HeapState heapState) {

    public HostContext {
        schedTunables = schedTunables == null ? null : java.util.Collections.unmodifiableMap(new TreeMap<>(schedTunables));
        cpufreqGovernor = cpufreqGovernor == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new TreeMap<>(cpufreqGovernor));
    }
}
