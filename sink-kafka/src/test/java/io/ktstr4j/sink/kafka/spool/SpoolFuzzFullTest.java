package io.ktstr4j.sink.kafka.spool;

import io.ktstr4j.schemas.fuzz.Fuzz;
import java.io.IOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link SpoolFuzzTest} with the full tier's case count ({@link Fuzz#FULL_CASES}, or -Dfuzz.cases). */
@Tag("full")
@Tag("slow")
class SpoolFuzzFullTest {

    @Test
    void damagedSessions() throws IOException {
        SpoolFuzzTest.run(Fuzz.cases(Fuzz.FULL_CASES));
    }
}
