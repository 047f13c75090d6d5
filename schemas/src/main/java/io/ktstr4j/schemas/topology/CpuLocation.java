package io.ktstr4j.schemas.topology;

/**
 * Where one logical CPU sits. CPUs are numbered LLC-major: all threads of core 0 of LLC 0 first, then core 1, …
 *
 * @param cpu    logical CPU number (0-based, as the guest sees it)
 * @param node   NUMA node
 * @param llc    global LLC index (0 .. llcs-1)
 * @param core   core index inside its LLC
 * @param thread SMT thread index inside its core
 * @param apicId the x86 APIC ID the VMM assigns: {@code llc << (coreBits+threadBits) | core << threadBits | thread}
 */
public record CpuLocation(int cpu, int node, int llc, int core, int thread, int apicId) {}
