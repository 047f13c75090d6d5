package io.ktstr4j.schemas.sidecar;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** KVM per-vCPU statistics (ktstr {@code KvmStatsTotals}): one map stat name → value per vCPU. */
public record KvmStats(List<Map<String, Long>> perVcpu) {
    public KvmStats {
        perVcpu = perVcpu == null ? List.of()
                : perVcpu.stream().map(m -> java.util.Collections.unmodifiableMap(new TreeMap<>(m))).toList();
    }
}
