package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Check;

/**
 * The VM exists (memory mapped, vCPUs created), nothing runs yet.
 *
 * @param backend  {@code kvm} or {@code qemu}
 * @param vcpus    vCPU count
 * @param memoryMb guest RAM in MiB
 * @param topology topology label
 */
public record VmCreated(String backend, int vcpus, long memoryMb, String topology) implements VmEvent {
    public VmCreated {
        Check.nonBlank("backend", backend);
        Check.atLeast("vcpus", vcpus, 1);
        Check.atLeast("memory_mb", memoryMb, 1);
    }
}
