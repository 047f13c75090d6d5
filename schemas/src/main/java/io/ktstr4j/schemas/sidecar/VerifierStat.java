package io.ktstr4j.schemas.sidecar;

/** Verified instruction count of one struct_ops BPF program (ktstr {@code ProgVerifierStats}). */
public record VerifierStat(String name, long verifiedInsns) {}
