package io.ktstr4j.vmm.hooks;

import java.util.Optional;

/** Per-vCPU KVM statistics, for backends that have them (the Java VMM on a kernel with KVM_GET_STATS_FD, 5.15+). */
public interface KvmStatsSource {

    /** The stats file of {@code vcpu}, or empty when the kernel does not support binary stats. */
    Optional<KvmStatsFile> statsFile(int vcpu);
}
