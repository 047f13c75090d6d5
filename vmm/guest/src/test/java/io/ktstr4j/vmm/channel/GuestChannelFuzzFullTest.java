package io.ktstr4j.vmm.channel;

import io.ktstr4j.schemas.fuzz.Fuzz;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link GuestChannelFuzzTest}'s fuzzers with the full tier's case count ({@link Fuzz#FULL_CASES}, or -Dfuzz.cases). */
@Tag("full")
@Tag("slow")
class GuestChannelFuzzFullTest {

    @Test
    void statefulRing() {
        GuestChannelFuzzTest.ring(Fuzz.cases(Fuzz.FULL_CASES));
    }

    @Test
    void singleRingStatesAndPayloads() {
        ChannelFuzzTest.ringStates(Fuzz.cases(Fuzz.FULL_CASES));
        ChannelFuzzTest.payloads(Fuzz.cases(Fuzz.FULL_CASES));
    }

    @Test
    void com2Decoder() {
        GuestChannelFuzzTest.com2(Fuzz.cases(Fuzz.FULL_CASES));
    }
}
