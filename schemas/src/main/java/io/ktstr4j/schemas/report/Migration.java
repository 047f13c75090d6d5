package io.ktstr4j.schemas.report;

/** One observed CPU migration of a worker (ktstr {@code Migration}). */
public record Migration(long atNs, int fromCpu, int toCpu) {}
