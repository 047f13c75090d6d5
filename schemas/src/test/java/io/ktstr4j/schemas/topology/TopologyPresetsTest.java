package io.ktstr4j.schemas.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.InvalidFieldException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TopologyPresetsTest {

    /** ktstr's x86_64 gauntlet table: name, label, CPUs, LLCs, NUMA nodes. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "tiny-1llc,1n1l4c1t,4,1,1",
            "tiny-2llc,1n2l2c1t,4,2,1",
            "odd-3llc,1n3l3c1t,9,3,1",
            "odd-5llc,1n5l3c1t,15,5,1",
            "odd-7llc,1n7l2c1t,14,7,1",
            "smt-2llc,1n2l2c2t,8,2,1",
            "smt-3llc,1n3l2c2t,12,3,1",
            "medium-4llc,1n4l4c2t,32,4,1",
            "medium-8llc,1n8l4c2t,64,8,1",
            "large-4llc,1n4l16c2t,128,4,1",
            "large-8llc,1n8l8c2t,128,8,1",
            "near-max-llc,1n15l8c2t,240,15,1",
            "max-cpu,1n14l9c2t,252,14,1",
            "medium-4llc-nosmt,1n4l8c1t,32,4,1",
            "medium-8llc-nosmt,1n8l8c1t,64,8,1",
            "large-4llc-nosmt,1n4l32c1t,128,4,1",
            "large-8llc-nosmt,1n8l16c1t,128,8,1",
            "near-max-llc-nosmt,1n15l16c1t,240,15,1",
            "max-cpu-nosmt,1n14l18c1t,252,14,1",
            "numa2-4llc,2n4l4c1t,16,4,2",
            "numa2-8llc,2n8l8c2t,128,8,2",
            "numa2-8llc-nosmt,2n8l16c1t,128,8,2",
            "numa4-8llc,4n8l4c1t,32,8,4",
            "numa4-12llc,4n12l8c2t,192,12,4"})
    void presetMatchesKtstrTable(String name, String label, int cpus, int llcs, int numa) {
        Topology t = TopologyPresets.get(name);
        assertThat(t.label()).isEqualTo(label);
        assertThat(t.totalCpus()).isEqualTo(cpus);
        assertThat(t.llcs()).isEqualTo(llcs);
        assertThat(t.numaNodes()).isEqualTo(numa);
        assertThat(TopologyPresets.resolve(label)).isEqualTo(t);
    }

    @Test
    void thereAreExactly24PresetsWithUniqueNames() {
        assertThat(TopologyPresets.all()).hasSize(24);
        assertThat(TopologyPresets.all()).extracting(TopologyPreset::name).doesNotHaveDuplicates();
        assertThat(TopologyPresets.all()).extracting(p -> p.topology().totalCpus()).allMatch(c -> c >= 4 && c <= 252);
        assertThat(TopologyPresets.all()).extracting(p -> p.topology().llcs()).allMatch(l -> l >= 1 && l <= 15);
    }

    @Test
    void unknownPresetNamesTheKnownOnes() {
        assertThatThrownBy(() -> TopologyPresets.get("huge"))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageStartingWith("preset: 'huge' is not a gauntlet preset; known: tiny-1llc, tiny-2llc,");
        assertThat(TopologyPresets.find("huge")).isEmpty();
    }
}
