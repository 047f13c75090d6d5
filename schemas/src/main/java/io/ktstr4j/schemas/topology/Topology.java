package io.ktstr4j.schemas.topology;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VM's CPU topology: NUMA nodes, LLCs, cores per LLC, threads per core, per-node memory and distances.
 * Label form: {@code {n}n{l}l{c}c{t}t}, e.g. {@code 1n2l4c1t}.
 *
 * @param numaNodes      NUMA nodes (1 .. 16)
 * @param llcs           total LLCs; with uniform nodes a multiple of {@code numaNodes}
 * @param coresPerLlc    cores in each LLC
 * @param threadsPerCore SMT threads per core (1 or 2)
 * @param nodes          per-node detail for non-uniform topologies; empty = uniform (llcs split evenly)
 * @param distances      NUMA distance matrix (numaNodes × numaNodes, diagonal 10); empty = 10 local / 20 remote
 */
public record Topology(int numaNodes, int llcs, int coresPerLlc, int threadsPerCore,
                       List<NumaNode> nodes, List<List<Integer>> distances) {

    /** Largest guest the gauntlet uses (max-cpu, 1n14l9c2t). */
    public static final int MAX_CPUS = 252;
    public static final int MAX_NUMA_NODES = 16;
    public static final int MAX_THREADS_PER_CORE = 2;
    public static final int LOCAL_DISTANCE = 10;
    public static final int REMOTE_DISTANCE = 20;

    private static final Pattern LABEL = Pattern.compile("(\\d{1,4})n(\\d{1,4})l(\\d{1,4})c(\\d{1,4})t");

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public Topology {
        Validate.range("numa_nodes", numaNodes, 1, MAX_NUMA_NODES);
        Validate.range("threads_per_core", threadsPerCore, 1, MAX_THREADS_PER_CORE);
        Validate.atLeast("cores_per_llc", coresPerLlc, 1);
        nodes = Validate.list("nodes", nodes);
        distances = distances == null ? List.of() : distances.stream().map(r -> List.copyOf(r)).toList();
        if (nodes.isEmpty()) {
            Validate.atLeast("llcs", llcs, 1);
            if (llcs % numaNodes != 0)
                throw new InvalidFieldException("llcs", llcs + " is not a multiple of numa_nodes (" + numaNodes + ")");
        } else {
            if (nodes.size() != numaNodes)
                throw new InvalidFieldException("nodes", "has " + nodes.size() + " entries, expected numa_nodes ("
                        + numaNodes + ")");
            int sum = nodes.stream().mapToInt(NumaNode::llcs).sum();
            if (sum != llcs)
                throw new InvalidFieldException("llcs", llcs + " does not equal the sum of nodes[*].llcs (" + sum + ")");
            Validate.atLeast("llcs", llcs, 1);
        }
        long cpus = (long) llcs * coresPerLlc * threadsPerCore;
        if (cpus > MAX_CPUS)
            throw new InvalidFieldException("", "topology has " + cpus + " CPUs, more than the maximum " + MAX_CPUS);
        if (!distances.isEmpty()) {
            if (distances.size() != numaNodes)
                throw new InvalidFieldException("distances", "has " + distances.size() + " rows, expected " + numaNodes);
            for (int i = 0; i < numaNodes; i++) {
                List<Integer> row = distances.get(i);
                if (row.size() != numaNodes)
                    throw new InvalidFieldException("distances[" + i + "]", "has " + row.size() + " entries, expected "
                            + numaNodes);
                for (int j = 0; j < numaNodes; j++) {
                    int d = row.get(j);
                    if (i == j && d != LOCAL_DISTANCE)
                        throw new InvalidFieldException("distances[" + i + "][" + j + "]", d
                                + " must be " + LOCAL_DISTANCE + " (distance of a node to itself)");
                    if (i != j && (d <= LOCAL_DISTANCE || d > 254))
                        throw new InvalidFieldException("distances[" + i + "][" + j + "]", d + " is outside [11, 254]");
                }
            }
        }
    }

    /** JSON may give a topology as its label string ({@code "1n2l4c1t"}) instead of an object. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Topology fromLabel(String label) {
        try {
            return parse(label);
        } catch (InvalidFieldException e) {
            // The JSON path already names the field; keep inner detail such as "llcs: …" for a well-formed label.
            throw new InvalidFieldException("", e.field().equals("topology") ? e.problem() : e.getMessage());
        }
    }

    /** A uniform topology. */
    public static Topology of(int numaNodes, int llcs, int coresPerLlc, int threadsPerCore) {
        return new Topology(numaNodes, llcs, coresPerLlc, threadsPerCore, List.of(), List.of());
    }

    /**
     * Parses {@code {n}n{l}l{c}c{t}t}, e.g. {@code 2n4l4c1t}.
     *
     * @throws InvalidFieldException naming the label and the expected form
     */
    public static Topology parse(String label) {
        if (label == null) throw new InvalidFieldException("topology", "is required");
        Matcher m = LABEL.matcher(label.trim());
        if (!m.matches())
            throw new InvalidFieldException("topology", "'" + label + "' is not a topology label like 1n2l4c1t "
                    + "({numa}n{llcs}l{cores per llc}c{threads per core}t)");
        return of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
    }

    /** {@code {n}n{l}l{c}c{t}t}. Non-uniform details (node sizes, distances) are not part of the label. */
    public String label() {
        return numaNodes + "n" + llcs + "l" + coresPerLlc + "c" + threadsPerCore + "t";
    }

    @JsonIgnore
    public boolean isUniform() {
        return nodes.isEmpty();
    }

    public int totalCpus() {
        return llcs * coresPerLlc * threadsPerCore;
    }

    public int cpusPerLlc() {
        return coresPerLlc * threadsPerCore;
    }

    public boolean hasSmt() {
        return threadsPerCore > 1;
    }

    /** LLCs on one node. */
    public int llcsOnNode(int node) {
        checkIndex("node", node, numaNodes);
        return nodes.isEmpty() ? llcs / numaNodes : nodes.get(node).llcs();
    }

    /** NUMA node an LLC belongs to (LLCs are assigned to nodes in order). */
    public int nodeOfLlc(int llc) {
        checkIndex("llc", llc, llcs);
        int first = 0;
        for (int n = 0; n < numaNodes; n++) {
            int count = llcsOnNode(n);
            if (llc < first + count) return n;
            first += count;
        }
        throw new IllegalStateException("unreachable: llc " + llc);
    }

    /** LLC indexes of one node, ascending. */
    public List<Integer> llcsOf(int node) {
        checkIndex("node", node, numaNodes);
        int first = 0;
        for (int n = 0; n < node; n++) first += llcsOnNode(n);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < llcsOnNode(node); i++) out.add(first + i);
        return Collections.unmodifiableList(out);
    }

    /** Logical CPUs of one LLC, ascending. */
    public List<Integer> cpusOfLlc(int llc) {
        checkIndex("llc", llc, llcs);
        List<Integer> out = new ArrayList<>(cpusPerLlc());
        for (int i = 0; i < cpusPerLlc(); i++) out.add(llc * cpusPerLlc() + i);
        return Collections.unmodifiableList(out);
    }

    /** Logical CPUs of one NUMA node, ascending (empty for a memory-only node). */
    public List<Integer> cpusOfNode(int node) {
        List<Integer> out = new ArrayList<>();
        for (int llc : llcsOf(node)) out.addAll(cpusOfLlc(llc));
        return Collections.unmodifiableList(out);
    }

    /** Where a logical CPU sits. */
    public CpuLocation locate(int cpu) {
        checkIndex("cpu", cpu, totalCpus());
        int llc = cpu / cpusPerLlc();
        int inLlc = cpu % cpusPerLlc();
        int core = inLlc / threadsPerCore;
        int thread = inLlc % threadsPerCore;
        int apic = (llc << (coreBits() + threadBits())) | (core << threadBits()) | thread;
        return new CpuLocation(cpu, nodeOfLlc(llc), llc, core, thread, apic);
    }

    /** All CPUs in order. */
    public List<CpuLocation> cpus() {
        List<CpuLocation> out = new ArrayList<>(totalCpus());
        for (int c = 0; c < totalCpus(); c++) out.add(locate(c));
        return Collections.unmodifiableList(out);
    }

    /** Bits the APIC ID reserves for the core index (ceil(log2(coresPerLlc))). */
    public int coreBits() {
        return bitsFor(coresPerLlc);
    }

    /** Bits the APIC ID reserves for the thread index. */
    public int threadBits() {
        return bitsFor(threadsPerCore);
    }

    /** Distance between two nodes; defaults to 10 local / 20 remote when no matrix was given. */
    public int distance(int from, int to) {
        checkIndex("node", from, numaNodes);
        checkIndex("node", to, numaNodes);
        if (!distances.isEmpty()) return distances.get(from).get(to);
        return from == to ? LOCAL_DISTANCE : REMOTE_DISTANCE;
    }

    /** Memory of one node in MiB, given the VM's total: the node's own size, or an equal share. */
    public long nodeMemoryMb(int node, long totalMemoryMb) {
        checkIndex("node", node, numaNodes);
        if (!nodes.isEmpty() && nodes.get(node).memoryMb() != null) return nodes.get(node).memoryMb();
        return totalMemoryMb / numaNodes;
    }

    @Override
    public String toString() {
        return label();
    }

    private static int bitsFor(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    private static void checkIndex(String what, int i, int size) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException(what + " " + i + " is outside [0, " + (size - 1) + "]");
    }
}
