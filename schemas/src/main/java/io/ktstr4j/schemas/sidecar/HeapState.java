package io.ktstr4j.schemas.sidecar;

/** jemalloc heap state of the host process (ktstr {@code HostHeapState}). */
public record HeapState(Long activeBytes, Long allocatedBytes, Long residentBytes, Long mappedBytes, Long narenas) {}
