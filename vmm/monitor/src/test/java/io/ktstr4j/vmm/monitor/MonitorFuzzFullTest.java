package io.ktstr4j.vmm.monitor;

import io.ktstr4j.schemas.fuzz.Fuzz;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link MonitorFuzzTest}'s fuzzers with the full tier's case count ({@link Fuzz#FULL_CASES}, or -Dfuzz.cases). */
@Tag("full")
@Tag("slow")
class MonitorFuzzFullTest {

    @Test
    void btfParseAndRender() {
        MonitorFuzzTest.btf(Fuzz.cases(Fuzz.FULL_CASES));
    }

    @Test
    void pageWalkAndAddressSpaceReads() {
        MonitorFuzzTest.pageWalk(Fuzz.cases(Fuzz.FULL_CASES));
    }

    @Test
    void xarrayBpfMapsAndRunQueuesOverDamagedGuestMemory() {
        MonitorFuzzTest.guestReaders(Fuzz.cases(Fuzz.FULL_CASES));
    }
}
