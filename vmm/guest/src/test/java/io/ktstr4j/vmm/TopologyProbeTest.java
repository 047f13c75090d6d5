package io.ktstr4j.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.topology.Topology;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class TopologyProbeTest {

    /** What a 1n2l2c2t guest prints (taken from a QEMU boot), with unrelated console noise mixed in. */
    static final List<String> SMT_2LLC = List.of(
            "[    0.000000] Linux version 6.12",
            "TOPO begin",
            "TOPO online list=0-7",
            "TOPO cpu id=0 pkg=0 die=0 core=0 smt=0-1",
            "TOPO cache cpu=0 level=1 type=Data shared=0-1",
            "TOPO cache cpu=0 level=3 type=Unified shared=0-3",
            "TOPO cpu id=1 pkg=0 die=0 core=0 smt=0-1",
            "TOPO cache cpu=1 level=3 type=Unified shared=0-3",
            "TOPO cpu id=2 pkg=0 die=0 core=1 smt=2-3",
            "TOPO cache cpu=2 level=3 type=Unified shared=0-3",
            "TOPO cpu id=3 pkg=0 die=0 core=1 smt=2-3",
            "TOPO cache cpu=3 level=3 type=Unified shared=0-3",
            "TOPO cpu id=4 pkg=1 die=0 core=0 smt=4-5",
            "TOPO cache cpu=4 level=3 type=Unified shared=4-7",
            "TOPO cpu id=5 pkg=1 die=0 core=0 smt=4-5",
            "TOPO cpu id=6 pkg=1 die=0 core=1 smt=6-7",
            "TOPO cpu id=7 pkg=1 die=0 core=1 smt=6-7",
            "TOPO node id=0 cpus=0-7 distance=10",
            "TOPO end");

    @Test
    void parsesAndMatchesTheDeclaredTopology() {
        TopologyProbe.GuestView v = TopologyProbe.parse(SMT_2LLC);
        assertThat(v.complete()).isTrue();
        assertThat(v.online()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(v.packages()).containsExactly(Set.of(0, 1, 2, 3), Set.of(4, 5, 6, 7));
        assertThat(v.llcLevel()).isEqualTo(3);
        assertThat(v.llcGroups()).containsExactly(Set.of(0, 1, 2, 3), Set.of(4, 5, 6, 7));
        assertThat(v.smtGroups()).containsExactly(Set.of(0, 1), Set.of(2, 3), Set.of(4, 5), Set.of(6, 7));
        assertThat(v.mismatches(Topology.parse("1n2l2c2t"))).isEmpty();
    }

    @Test
    void reportsEachDifference() {
        TopologyProbe.GuestView v = TopologyProbe.parse(SMT_2LLC);
        assertThat(v.mismatches(Topology.parse("1n1l4c2t"))).singleElement().asString().contains("L3 sharing");
        assertThat(v.mismatches(Topology.parse("1n2l4c2t"))).anySatisfy(s -> assertThat(s).contains("online CPUs"));
        assertThat(v.mismatches(Topology.parse("2n2l2c2t"))).anySatisfy(s -> assertThat(s).contains("NUMA node CPUs"))
                .anySatisfy(s -> assertThat(s).contains("NUMA distances"));
        assertThat(TopologyProbe.parse(SMT_2LLC.subList(0, 5)).mismatches(Topology.parse("1n2l2c2t")))
                .anySatisfy(s -> assertThat(s).contains("incomplete"));
    }

    @Test
    void parsesNumaDistancesAndCpuLists() {
        TopologyProbe.GuestView v = TopologyProbe.parse(List.of(
                "TOPO online list=0-3",
                "TOPO node id=1 cpus=2-3 distance=20,10",
                "TOPO node id=0 cpus=0,1 distance=10,20",
                "TOPO end"));
        assertThat(v.nodeCpus()).containsEntry(0, Set.of(0, 1)).containsEntry(1, Set.of(2, 3));
        assertThat(v.distances()).containsExactly(List.of(10, 20), List.of(20, 10));
        assertThat(TopologyProbe.cpuList("0-2,8,10-11")).containsExactly(0, 1, 2, 8, 10, 11);
        assertThat(TopologyProbe.cpuList("")).isEmpty();
    }

    @Test
    void initramfsIsANewcArchiveWithBusyboxAndInit() throws Exception {
        Assumptions.assumeTrue(TopologyProbe.available(), "busybox-static not installed (/bin/busybox)");
        byte[] cpio = TopologyProbe.initramfs();
        assertThat(new String(cpio, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("070701");
        String text = new String(cpio, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("bin/busybox").contains("dev/console").contains("TOPO end").contains("TRAILER!!!");
        assertThat(cpio.length % 512).isZero();
        assertThat(new ByteArrayInputStream(cpio).available()).isGreaterThan(1_000_000);
    }
}
