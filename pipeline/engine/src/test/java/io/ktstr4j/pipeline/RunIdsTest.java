package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunIdsTest {
    @Test
    void idsCarryStampProcessTagAndCounter() {
        String a = RunIds.next();
        String b = RunIds.next();
        assertThat(a).matches("\\d{8}T\\d{6}Z-[0-9a-f]{6}-\\d+");
        assertThat(b).isNotEqualTo(a);
        // same process: same stamp and tag, counter advances by one
        assertThat(b.substring(0, b.lastIndexOf('-'))).isEqualTo(a.substring(0, a.lastIndexOf('-')));
        assertThat(Long.parseLong(b.substring(b.lastIndexOf('-') + 1)))
                .isEqualTo(Long.parseLong(a.substring(a.lastIndexOf('-') + 1)) + 1);
    }
}
