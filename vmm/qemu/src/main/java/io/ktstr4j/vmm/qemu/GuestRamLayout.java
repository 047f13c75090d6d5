package io.ktstr4j.vmm.qemu;

import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.ShmRegion;
import io.ktstr4j.vmm.VmConfigException;
import io.ktstr4j.vmm.mem.MappedGuestMemory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where guest RAM lives: one shared file per NUMA node (QEMU lays the nodes out one after the other in guest RAM),
 * the guest-physical ranges those files back (RAM above the machine's low-memory end moves to 4 GiB), and the SHM
 * ring carved from the top of RAM.
 */
public record GuestRamLayout(List<NodeRam> nodes, List<MappedGuestMemory.Region> regions, ShmRegion shm,
        long totalBytes) {

    /** One node's RAM: its backing file and where it starts in QEMU's RAM (not guest-physical) address space. */
    public record NodeRam(int node, long ramOffset, long bytes, Path file) {}

    /**
     * MiB per node for {@code memoryMb} in all: nodes with their own size keep it, the others share the rest
     * evenly in whole MiB (the last of them takes the remainder).
     */
    public static List<Long> splitByNode(Topology topology, long memoryMb) {
        int n = topology.numaNodes();
        Long[] fixed = new Long[n];
        long fixedSum = 0;
        int free = 0;
        for (int i = 0; i < n; i++) {
            if (!topology.isUniform() && topology.nodes().get(i).memoryMb() != null) {
                fixed[i] = topology.nodes().get(i).memoryMb();
                fixedSum += fixed[i];
            } else {
                free++;
            }
        }
        long rest = memoryMb - fixedSum;
        if (rest < 0 || (free == 0 && rest != 0)) {
            throw new VmConfigException("memoryMb: " + memoryMb + " MiB does not match the topology's per-node memory ("
                    + fixedSum + " MiB fixed)");
        }
        List<Long> out = new ArrayList<>(n);
        long share = free == 0 ? 0 : rest / free;
        int seen = 0;
        for (int i = 0; i < n; i++) {
            if (fixed[i] != null) {
                out.add(fixed[i]);
            } else {
                seen++;
                out.add(seen == free ? rest - share * (free - 1) : share);
            }
        }
        return out;
    }

    static final long FOUR_GIB = 1L << 32;
    static final long MIB = 1L << 20;

    /**
     * @param machine   the resolved machine type
     * @param memoryMb  all guest RAM, including the SHM region
     * @param nodeMb    MiB of RAM per NUMA node, in node order; they add up to {@code memoryMb}
     * @param shmBytes  the SHM ring size (0 = none), a multiple of 4 KiB
     * @param filePrefix path prefix of the backing files; node n uses {@code prefix + "-node" + n}
     */
    public static GuestRamLayout plan(MachineType machine, long memoryMb, List<Long> nodeMb, long shmBytes,
            String filePrefix) {
        if (memoryMb < 64) {
            throw new VmConfigException("memoryMb: " + memoryMb + " MiB is too small for a Linux guest (need >= 64)");
        }
        if (nodeMb.stream().mapToLong(Long::longValue).sum() != memoryMb) {
            throw new VmConfigException("memoryMb: " + memoryMb + " MiB is not the sum of the NUMA nodes' memory "
                    + nodeMb);
        }
        for (int n = 0; n < nodeMb.size(); n++) {
            if (nodeMb.get(n) < 16) {
                throw new VmConfigException("topology.nodes[" + n + "].memory_mb: " + nodeMb.get(n)
                        + " MiB is too small for a NUMA node (need >= 16)");
            }
        }
        if (shmBytes < 0 || (shmBytes & 0xFFF) != 0) {
            throw new VmConfigException("shmBytes: " + shmBytes + " must be >= 0 and a multiple of 4096");
        }
        long total = memoryMb * MIB;
        if (shmBytes > total / 4) {
            throw new VmConfigException("shmBytes: " + shmBytes + " is more than a quarter of guest RAM (" + memoryMb
                    + " MiB)");
        }
        long low = machine.lowMemEnd(total);
        List<NodeRam> nodes = new ArrayList<>();
        long offset = 0;
        for (int n = 0; n < nodeMb.size(); n++) {
            long mb = nodeMb.get(n);
            nodes.add(new NodeRam(n, offset, mb * MIB, Path.of(filePrefix + "-node" + n)));
            offset += mb * MIB;
        }
        List<MappedGuestMemory.Region> regions = new ArrayList<>();
        for (NodeRam node : nodes) {
            long start = node.ramOffset();
            long end = start + node.bytes();
            if (start < low) {
                long e = Math.min(end, low);
                regions.add(new MappedGuestMemory.Region(start, e - start, node.file(), 0));
            }
            if (end > low) {
                long s = Math.max(start, low);
                regions.add(new MappedGuestMemory.Region(FOUR_GIB + (s - low), end - s, node.file(), s - start));
            }
        }
        ShmRegion shm = new ShmRegion(0, 0);
        if (shmBytes > 0) {
            long shmRamOffset = total - shmBytes;
            if (shmRamOffset < low && total > low) {
                throw new VmConfigException("memoryMb: with " + memoryMb + " MiB the SHM ring would straddle the"
                        + " 4 GiB hole of machine " + machine.qemuName() + "; use a size below " + (low / MIB)
                        + " MiB or at least " + ((low + shmBytes) / MIB + 1) + " MiB");
            }
            long gpa = shmRamOffset < low ? shmRamOffset : FOUR_GIB + (shmRamOffset - low);
            shm = new ShmRegion(gpa, shmBytes);
        }
        return new GuestRamLayout(List.copyOf(nodes), List.copyOf(regions), shm, total);
    }
}
