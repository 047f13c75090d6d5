package io.ktstr4j.schemas.monitor;

/** BPF program runtime over a run (ktstr {@code ProgStatsDelta}). */
public record ProgStatsDelta(String name, long cnt, long nsecs, double nsecsPerCall) {}
