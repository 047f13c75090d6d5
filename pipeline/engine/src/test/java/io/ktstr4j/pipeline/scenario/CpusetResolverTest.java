package io.ktstr4j.pipeline.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.pipeline.scenario.CpusetResolver.ResolvedAffinity;
import io.ktstr4j.schemas.plan.AffinityKind;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.schemas.topology.TopologyPresets;
import io.ktstr4j.vmm.plan.CpuList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpusetResolverTest {
    private final CpusetResolver tiny = new CpusetResolver(TopologyPresets.get("tiny-2llc"));   // 4 CPUs, 2 LLCs
    private final CpusetResolver numa = new CpusetResolver(TopologyPresets.get("numa2-4llc"));  // 16 CPUs, 2 nodes
    private final CpusetResolver smt = new CpusetResolver(TopologyPresets.get("smt-2llc"));     // 8 CPUs, SMT

    @Test
    void lastCpuIsKeptForTheRootCgroupWhenMoreThanTwo() {
        assertThat(tiny.usableCpus()).containsExactly(0, 1, 2);
        assertThat(numa.usableCpus()).hasSize(15).doesNotContain(15);
        assertThat(new CpusetResolver(Topology.parse("1n1l2c1t")).usableCpus()).containsExactly(0, 1);
        assertThat(new CpusetResolver(Topology.parse("1n1l1c1t")).usableCpus()).containsExactly(0);
    }

    @Test
    void llcAndNumaTakeTheWholeUnit() {
        assertThat(tiny.resolve(Cpusets.llc(1))).containsExactly(2, 3);
        assertThat(smt.resolve(Cpusets.llc(0))).containsExactly(0, 1, 2, 3);
        assertThat(numa.resolve(Cpusets.numa(1))).containsExactly(8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(numa.resolve(Cpusets.llc(3))).containsExactly(12, 13, 14, 15);
    }

    @Test
    void rangeSlicesTheUsableCpus() {
        assertThat(tiny.resolve(Cpusets.range(0.0, 0.5))).containsExactly(0);     // 3 * 0.5 = 1.5 -> 1
        assertThat(tiny.resolve(Cpusets.range(0.5, 1.0))).containsExactly(1, 2);
        assertThat(numa.resolve(Cpusets.range(0.0, 0.5))).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(numa.resolve(Cpusets.range(0.5, 1.0))).containsExactly(7, 8, 9, 10, 11, 12, 13, 14);
        assertThat(tiny.resolve(Cpusets.range(0.0, 0.25))).isEmpty();             // 0.75 -> 0: empty, validator refuses
    }

    @Test
    void disjointGivesTheRemainderToTheLastPartition() {
        assertThat(tiny.resolve(Cpusets.disjoint(0, 2))).containsExactly(0);
        assertThat(tiny.resolve(Cpusets.disjoint(1, 2))).containsExactly(1, 2);
        assertThat(numa.resolve(Cpusets.disjoint(0, 4))).containsExactly(0, 1, 2);
        assertThat(numa.resolve(Cpusets.disjoint(3, 4))).containsExactly(9, 10, 11, 12, 13, 14);
    }

    @Test
    void overlapWidensInnerPartitionsBothWays() {
        // 15 usable, 3 partitions of 5, overlap 0.4 * 5 = 2
        assertThat(numa.resolve(Cpusets.overlap(0, 3, 0.4))).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(numa.resolve(Cpusets.overlap(1, 3, 0.4))).containsExactly(3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(numa.resolve(Cpusets.overlap(2, 3, 0.4))).containsExactly(8, 9, 10, 11, 12, 13, 14);
    }

    @Test
    void exactIsTakenAsGivenIncludingTheReservedCpu() {
        assertThat(tiny.resolve(Cpusets.exact(3, 1))).containsExactly(1, 3);
    }

    @Test
    void refusesWhatTheTopologyLacks() {
        assertThatThrownBy(() -> tiny.resolve(Cpusets.llc(2))).hasMessage(
                "LLC 2 does not exist: topology 1n2l2c1t has LLCs 0..1");
        assertThatThrownBy(() -> tiny.resolve(Cpusets.numa(1))).hasMessage(
                "NUMA node 1 does not exist: topology 1n2l2c1t has nodes 0..0");
        assertThatThrownBy(() -> tiny.resolve(Cpusets.exact(4))).hasMessage(
                "CPU(s) [4] do not exist: topology 1n2l2c1t has CPUs 0..3");
        assertThatThrownBy(() -> tiny.resolve(Cpusets.disjoint(0, 4))).hasMessage(
                "not enough usable CPUs (3 of 4 on 1n2l2c1t) for 4 partitions");
    }

    @Test
    void affinityKindsResolveLikeKtstr() {
        List<Integer> cs = List.of(6, 7, 8, 9);
        assertThat(numa.resolveAffinity(new AffinityKind.Inherit(), cs).agentText()).isEqualTo("inherit");
        assertThat(numa.resolveAffinity(new AffinityKind.RandomSubset(), cs).agentText()).isEqualTo("random:6-9/2");
        assertThat(numa.resolveAffinity(new AffinityKind.LlcAligned(), cs).agentText()).isEqualTo("fixed:6-7");
        assertThat(numa.resolveAffinity(new AffinityKind.CrossCgroup(), cs).agentText()).isEqualTo("fixed:0-15");
        assertThat(numa.resolveAffinity(new AffinityKind.SingleCpu(), cs).agentText()).isEqualTo("fixed:6");
        assertThat(numa.resolveAffinity(new AffinityKind.RandomSubset(), null))
                .isEqualTo(new ResolvedAffinity(ResolvedAffinity.Mode.RANDOM, numa.allCpus(), 8));
        assertThatThrownBy(() -> tiny.resolveAffinity(new AffinityKind.Exact(List.of(0, 9)), null))
                .hasMessageContaining("affinity CPU(s) [9] do not exist");
    }

    @Test
    void nodesOfMapsCpusToTheirNumaNode() {
        assertThat(numa.nodesOf(List.of(0, 7))).containsExactly(0);
        assertThat(numa.nodesOf(List.of(7, 8))).containsExactly(0, 1);
    }

    @Test
    void cpuListRoundTrips() {
        assertThat(CpuList.format(List.of(5, 0, 1, 2, 7, 8))).isEqualTo("0-2,5,7-8");
        assertThat(CpuList.parse("0-2,5,7-8")).containsExactly(0, 1, 2, 5, 7, 8);
        assertThatThrownBy(() -> CpuList.parse("3-1")).hasMessageContaining("'3-1'");
    }
}
