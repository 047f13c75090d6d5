package io.ktstr4j.schemas.monitor;

/** Cumulative runtime of one BPF program (ktstr {@code ProgRuntimeStats}). */
public record ProgRuntimeStats(String name, long cnt, long nsecs) {}
