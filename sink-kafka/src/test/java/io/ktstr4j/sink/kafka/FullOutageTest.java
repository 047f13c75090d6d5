package io.ktstr4j.sink.kafka;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link OutageTest}'s scenario with the 15 s outage of the issue: the heavy tier (scripts/test.sh --full). */
@Tag("kafka")
@Tag("full")
class FullOutageTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(KafkaSinkConfig.OnUnavailable.class)
    void aFifteenSecondOutageLosesNothing(KafkaSinkConfig.OnUnavailable fallback) throws Exception {
        OutageTest.outage(tmp, fallback, Duration.ofSeconds(15));
    }
}
