package io.ktstr4j.vmm.x86;

import java.util.Arrays;

/**
 * The CPU topology the guest must see, in the VMM's own terms. CPUs are numbered LLC-major: cpu = (llc * cores +
 * core) * threads + thread. Each LLC is presented as its own package in CPUID leaf 0xB (ktstr's APIC ID scheme), and
 * NUMA nodes own consecutive LLCs.
 *
 * @param distances node-to-node SLIT distances, {@code numaNodes x numaNodes} (10 on the diagonal)
 */
public record CpuTopology(int numaNodes, int llcs, int coresPerLlc, int threadsPerCore, int[][] distances) {

    public CpuTopology {
        if (numaNodes < 1 || llcs < 1 || coresPerLlc < 1 || threadsPerCore < 1) {
            throw new IllegalArgumentException("topology: numa_nodes, llcs, cores_per_llc and threads_per_core must be >= 1,"
                    + " got " + numaNodes + "n" + llcs + "l" + coresPerLlc + "c" + threadsPerCore + "t");
        }
        if (llcs % numaNodes != 0) {
            throw new IllegalArgumentException("topology: llcs (" + llcs + ") must be a multiple of numa_nodes (" + numaNodes + ")");
        }
        if (distances == null) {
            distances = defaultDistances(numaNodes);
        }
        if (distances.length != numaNodes) {
            throw new IllegalArgumentException("topology: distances must be " + numaNodes + "x" + numaNodes);
        }
        int[][] copy = new int[numaNodes][];
        for (int i = 0; i < numaNodes; i++) {
            if (distances[i].length != numaNodes) {
                throw new IllegalArgumentException("topology: distances row " + i + " must have " + numaNodes + " entries");
            }
            copy[i] = distances[i].clone();
        }
        distances = copy;
    }

    public static CpuTopology of(int numaNodes, int llcs, int coresPerLlc, int threadsPerCore) {
        return new CpuTopology(numaNodes, llcs, coresPerLlc, threadsPerCore, null);
    }

    /** Default SLIT: 10 local, 20 remote. */
    public static int[][] defaultDistances(int nodes) {
        int[][] d = new int[nodes][nodes];
        for (int i = 0; i < nodes; i++) {
            for (int j = 0; j < nodes; j++) {
                d[i][j] = i == j ? 10 : 20;
            }
        }
        return d;
    }

    public int cpus() {
        return llcs * coresPerLlc * threadsPerCore;
    }

    public int llcsPerNode() {
        return llcs / numaNodes;
    }

    public int threadBits() {
        return bitsFor(threadsPerCore);
    }

    public int coreBits() {
        return bitsFor(coresPerLlc);
    }

    public int llcOf(int cpu) {
        return cpu / (coresPerLlc * threadsPerCore);
    }

    public int coreOf(int cpu) {
        return (cpu / threadsPerCore) % coresPerLlc;
    }

    public int threadOf(int cpu) {
        return cpu % threadsPerCore;
    }

    public int nodeOf(int cpu) {
        return llcOf(cpu) / llcsPerNode();
    }

    /** APIC ID = llc_id << (core_bits + thread_bits) | core_id << thread_bits | thread_id. */
    public int apicId(int cpu) {
        return llcOf(cpu) << (coreBits() + threadBits()) | coreOf(cpu) << threadBits() | threadOf(cpu);
    }

    public int maxApicId() {
        return apicId(cpus() - 1);
    }

    /** ceil(log2(n)): bits needed to number n things. */
    public static int bitsFor(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    /** Label as ktstr writes it: {n}n{l}l{c}c{t}t. */
    public String label() {
        return numaNodes + "n" + llcs + "l" + coresPerLlc + "c" + threadsPerCore + "t";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuTopology t && t.numaNodes == numaNodes && t.llcs == llcs && t.coresPerLlc == coresPerLlc
                && t.threadsPerCore == threadsPerCore && Arrays.deepEquals(t.distances, distances);
    }

    @Override
    public int hashCode() {
        return label().hashCode() * 31 + Arrays.deepHashCode(distances);
    }

    @Override
    public String toString() {
        return label() + " distances=" + Arrays.deepToString(distances);
    }
}
