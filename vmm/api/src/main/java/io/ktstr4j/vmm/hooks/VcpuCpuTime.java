package io.ktstr4j.vmm.hooks;

import java.util.OptionalLong;

/**
 * Host CPU time consumed by a vCPU's thread, when the backend can tell (the Java VMM knows its vCPU threads; QEMU's
 * are found under /proc/PID/task). Used to exempt preempted vCPUs from stall detection.
 */
@FunctionalInterface
public interface VcpuCpuTime {

    /** Cumulative CPU time of {@code vcpu}'s host thread in ns, or empty when unknown. */
    OptionalLong cpuTimeNs(int vcpu);

    VcpuCpuTime NONE = vcpu -> OptionalLong.empty();
}
