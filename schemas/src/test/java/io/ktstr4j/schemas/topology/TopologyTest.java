package io.ktstr4j.schemas.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.InvalidFieldException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTest {

    @Test
    void labelParsesAndFormats() {
        Topology t = Topology.parse("2n4l3c2t");
        assertThat(t.numaNodes()).isEqualTo(2);
        assertThat(t.llcs()).isEqualTo(4);
        assertThat(t.coresPerLlc()).isEqualTo(3);
        assertThat(t.threadsPerCore()).isEqualTo(2);
        assertThat(t.label()).isEqualTo("2n4l3c2t");
        assertThat(t.totalCpus()).isEqualTo(24);
        assertThat(t.hasSmt()).isTrue();
    }

    @Test
    void rejectsMalformedLabels() {
        for (String bad : List.of("", "1n2l4c", "n2l4c1t", "1n2l4c1t ", "1x2l4c1t", "1n2l4c1t1"))
            if (!bad.endsWith(" "))
                assertThatThrownBy(() -> Topology.parse(bad)).isInstanceOf(InvalidFieldException.class)
                        .hasMessageContaining("is not a topology label like 1n2l4c1t");
        assertThat(Topology.parse(" 1n2l4c1t ").label()).isEqualTo("1n2l4c1t");
    }

    @Test
    void llcsMustBeAMultipleOfNumaNodes() {
        assertThatThrownBy(() -> Topology.of(2, 3, 2, 1))
                .hasMessage("llcs: 3 is not a multiple of numa_nodes (2)");
    }

    @Test
    void rejectsTooManyCpusAndBadCounts() {
        assertThatThrownBy(() -> Topology.of(1, 16, 16, 1))
                .hasMessage("topology has 256 CPUs, more than the maximum 252");
        assertThatThrownBy(() -> Topology.of(1, 1, 1, 3)).hasMessage("threads_per_core: 3 is outside [1, 2]");
        assertThatThrownBy(() -> Topology.of(0, 1, 1, 1)).hasMessage("numa_nodes: 0 is outside [1, 16]");
        assertThatThrownBy(() -> Topology.of(1, 0, 1, 1)).hasMessage("llcs: 0 is below the minimum 1");
        assertThatThrownBy(() -> Topology.of(1, 1, 0, 1)).hasMessage("cores_per_llc: 0 is below the minimum 1");
    }

    @Test
    void cpuNumberingIsLlcMajorWithApicIds() {
        Topology t = Topology.parse("2n4l3c2t"); // 6 CPUs per LLC, core bits 2, thread bits 1
        CpuLocation c = t.locate(13); // llc 2, in-llc 1 → core 0 thread 1
        assertThat(c).isEqualTo(new CpuLocation(13, 1, 2, 0, 1, (2 << 3) | 1));
        assertThat(t.cpusOfLlc(1)).containsExactly(6, 7, 8, 9, 10, 11);
        assertThat(t.llcsOf(1)).containsExactly(2, 3);
        assertThat(t.cpusOfNode(0)).hasSize(12).startsWith(0).endsWith(11);
        assertThat(t.nodeOfLlc(3)).isEqualTo(1);
        assertThat(t.cpus()).extracting(CpuLocation::apicId).doesNotHaveDuplicates();
        assertThatThrownBy(() -> t.locate(24)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("cpu 24 is outside [0, 23]");
    }

    @Test
    void nonUniformNodesAndDistances() {
        Topology t = new Topology(3, 3, 2, 1,
                List.of(new NumaNode(2, 1024L), new NumaNode(1, null), new NumaNode(0, 4096L)),
                List.of(List.of(10, 20, 30), List.of(20, 10, 30), List.of(30, 30, 10)));
        assertThat(t.isUniform()).isFalse();
        assertThat(t.cpusOfNode(2)).isEmpty();
        assertThat(t.llcsOf(1)).containsExactly(2);
        assertThat(t.nodeMemoryMb(0, 6000)).isEqualTo(1024);
        assertThat(t.nodeMemoryMb(1, 6000)).isEqualTo(2000);
        assertThat(t.distance(2, 0)).isEqualTo(30);
        assertThat(Topology.of(2, 2, 1, 1).distance(0, 1)).isEqualTo(20);

        assertThatThrownBy(() -> new Topology(2, 3, 1, 1, List.of(NumaNode.of(1), NumaNode.of(1)), List.of()))
                .hasMessage("llcs: 3 does not equal the sum of nodes[*].llcs (2)");
        assertThatThrownBy(() -> new Topology(2, 2, 1, 1, List.of(), List.of(List.of(10, 20), List.of(20, 11))))
                .hasMessage("distances[1][1]: 11 must be 10 (distance of a node to itself)");
        assertThatThrownBy(() -> new Topology(2, 2, 1, 1, List.of(), List.of(List.of(10, 20))))
                .hasMessage("distances: has 1 rows, expected 2");
    }
}
