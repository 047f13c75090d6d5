package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;

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
        Validate.nonBlank("backend", backend);
        Validate.atLeast("vcpus", vcpus, 1);
        Validate.atLeast("memory_mb", memoryMb, 1);
    }
}
