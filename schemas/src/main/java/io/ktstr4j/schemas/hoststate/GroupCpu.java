package io.ktstr4j.schemas.hoststate;

/**
 * CPU a thread group used between two captures, as a fraction of one CPU (its run time delta over the interval).
 *
 * @param group   the group's key
 * @param cpu     CPUs' worth of run time: 0.38 is 38 % of one CPU
 * @param runTimeNs the run time delta
 */
public record GroupCpu(String group, double cpu, long runTimeNs) {
}
