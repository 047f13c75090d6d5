package io.ktstr4j.vmm.x86;

/** A contiguous guest-physical RAM range belonging to one NUMA node (one KVM memslot). */
public record RamRegion(long gpa, long size, int node) {
    public long end() {
        return gpa + size;
    }
}
