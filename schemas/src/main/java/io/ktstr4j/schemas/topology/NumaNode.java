package io.ktstr4j.schemas.topology;

import io.ktstr4j.schemas.Validate;

/**
 * One NUMA node of a non-uniform topology.
 *
 * @param llcs     LLCs on this node; 0 makes a memory-only node (CXL-like, no CPUs)
 * @param memoryMb RAM on this node in MiB; null = an equal share of the VM's memory
 */
public record NumaNode(int llcs, Long memoryMb) {
    public NumaNode {
        Validate.nonNegative("llcs", llcs);
        if (memoryMb != null) Validate.atLeast("memory_mb", memoryMb, 1);
    }

    public static NumaNode of(int llcs) {
        return new NumaNode(llcs, null);
    }
}
