package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.sidecar.HostContext;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class VariantHashTest {

    /**
     * SipHash-2-4 of messages 00, 00 01, … (lengths 0 to 15) under the key 00 01 … 0f: the first 16 of the 64
     * vectors published with SipHash (vectors.h, as 64-bit little-endian values). They cover the empty message, every
     * partial tail and one full block, through the same code the variant hash runs with 1 and 3 rounds.
     */
    static final long[] SIPHASH_2_4 = {
        0x726fdb47dd0e0e31L, 0x74f839c593dc67fdL, 0x0d6c8009d9a94f5aL, 0x85676696d7fb7e2dL,
        0xcf2794e0277187b7L, 0x18765564cd99a68dL, 0xcbc9466e58fee3ceL, 0xab0200f58b01d137L,
        0x93f5f5799a932462L, 0x9e0082df0ba9e4b0L, 0x7a5dbbc594ddb9f3L, 0xf4b32f46226bada7L,
        0x751e8fbc860ee5fbL, 0x14ea5627c0843d90L, 0xf723ca908e7af2eeL, 0xa129ca6149be45e5L,
    };

    @Test
    void theSipHashCoreReproducesThePublishedSipHash24Vectors() {
        byte[] key = new byte[16];
        for (int i = 0; i < 16; i++) {
            key[i] = (byte) i;
        }
        for (int len = 0; len < SIPHASH_2_4.length; len++) {
            byte[] msg = new byte[len];
            for (int i = 0; i < len; i++) {
                msg[i] = (byte) i;
            }
            assertThat(VariantHash.sipHash(2, 4, key, msg)).as("length %d", len).isEqualTo(SIPHASH_2_4[len]);
        }
        assertThat(VariantHash.sipHash13(key, new byte[0])).as("1-3 rounds are another function")
                .isNotEqualTo(SIPHASH_2_4[0]);
    }

    /** The two values ktstr 0.4.9 pins in sidecar.rs (sidecar_variant_hash_stability_populated / _empty_collections). */
    @Test
    void theEncodingGivesTheValuesKtstrPins() {
        assertThat(VariantHash.of("1n2l4c1t", "scx-ktstr", null, "CpuSpin", List.of("llc", "steal"),
                List.of("sysctl.kernel.sched_cfs_bandwidth_slice_us=1000"), List.of("nosmt")))
                .isEqualTo(0xbc0f38005915a09fL);
        assertThat(VariantHash.of("1n1l1c1t", "eevdf", null, "", List.of(), List.of(), List.of()))
                .isEqualTo(0x1b61394511b42e01L);
    }

    static SidecarResult.Builder sidecar() {
        return SidecarResult.builder().testName("steady").topology("1n2l4c1t").scheduler("scx-ktstr")
                .workType("CpuSpin").activeFlags(List.of("llc", "steal"))
                .sysctls(List.of("sysctl.kernel.sched_cfs_bandwidth_slice_us=1000")).kargs(List.of("nosmt"))
                .stats(ScenarioStats.empty()).timestamp("2026-01-01T00:00:00Z").runId("r1");
    }

    @Test
    void aSidecarHashesItsIdentityFieldsOnly() {
        SidecarResult s = sidecar().build();
        assertThat(VariantHash.of(s)).isEqualTo(0xbc0f38005915a09fL);
        assertThat(VariantHash.hex(VariantHash.of(s))).isEqualTo("bc0f38005915a09f");
        SidecarResult elsewhere = s.toBuilder().projectCommit("abc1234-dirty").kernelCommit("def5678")
                .schedulerCommit("sha256:00").kernelVersion("6.14.2").runSource("ci").runId("r2").passed(true)
                .host(HostContext.builder().cpuModel("other").onlineCpus(64).build()).backend("qemu").tcg(true)
                .cpuOvercommit(0.25).testName("renamed").build();
        assertThat(VariantHash.of(elsewhere)).isEqualTo(VariantHash.of(s));
        assertThat(VariantHash.of(s.toBuilder().payload("fio").build())).isNotEqualTo(VariantHash.of(s));
        assertThat(VariantHash.of(s.toBuilder().payload("stress-ng").build()))
                .isNotEqualTo(VariantHash.of(s.toBuilder().payload("fio").build()));
        assertThat(VariantHash.of(s.toBuilder().workType("Mixed").build())).isNotEqualTo(VariantHash.of(s));
        assertThat(VariantHash.hex(1L)).isEqualTo("0000000000000001");
    }

    @Test
    void listsAreSetsAndEachListHasItsOwnMarker() {
        long h = VariantHash.of("t", "s", null, "w", List.of("steal", "llc"), List.of("b=2", "a=1"), List.of("y", "x"));
        assertThat(VariantHash.of("t", "s", null, "w", List.of("llc", "steal"), List.of("a=1", "b=2"),
                List.of("x", "y"))).isEqualTo(h);
        // the same string as a flag, a sysctl or a karg: three different variants
        long asFlag = VariantHash.of("t", "s", null, "w", List.of("nosmt"), List.of(), List.of());
        long asSysctl = VariantHash.of("t", "s", null, "w", List.of(), List.of("nosmt"), List.of());
        long asKarg = VariantHash.of("t", "s", null, "w", List.of(), List.of(), List.of("nosmt"));
        assertThat(List.of(asFlag, asSysctl, asKarg)).doesNotHaveDuplicates();
    }

    @Test
    void flagsFollowKtstrsCanonicalOrderThenTheirBytes() {
        assertThat(VariantHash.canonicalFlags(List.of("zz", "no-ctrl", "aa", "borrow", "llc")))
                .containsExactly("llc", "borrow", "no-ctrl", "aa", "zz");
    }
}
