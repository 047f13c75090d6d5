package io.ktstr4j.schemas.failure;

/**
 * A window between two stimulus events with the monitor metrics seen inside it (ktstr timeline phases).
 *
 * @param label        e.g. {@code StepStart[1]}
 * @param startMs      phase start, ms since scenario start
 * @param endMs        phase end
 */
public record TimelinePhase(String label, long startMs, long endMs, long sampleCount,
                            double avgImbalance, double maxImbalance, double avgDsqDepth, long maxDsqDepth,
                            long stallCount, double fallbackRate, double keepLastRate, double iterationRate) {}
