package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The gauntlet's progress: the bar (as a terminal would get it), lines, or nothing. */
class GauntletProgressTest {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    GauntletProgress view(GauntletProgress.Mode mode, int total) {
        return new GauntletProgress(mode, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), total);
    }

    @Test
    void theBarCountsDoneFailedRunningQueuedAndResultLinesStayWhole() throws Exception {
        try (GauntletProgress v = view(GauntletProgress.Mode.BAR, 3)) {
            v.started();
            v.started();
            assertThat(v.counts()).isEqualTo("0 done, 0 failed, 2 running, 1 queued");
            v.note("steady/tiny-1llc/eevdf: booting"); // under the bar: not shown
            v.ended(true, 2000, false);
            v.result("PASS [ 2.00s] steady/tiny-1llc/eevdf");
            v.ended(false, 3000, false);
            v.result("FAIL [ 3.00s] steady/tiny-2llc/eevdf");
            assertThat(v.counts()).isEqualTo("2 done, 1 failed, 0 running, 1 queued");
            // one left, at the mean of 2.5 s, over the 2 VMs that ran at once
            assertThat(v.eta(null)).hasValue(java.time.Duration.ofMillis(1250));
            Thread.sleep(600); // the bar's own thread draws it
        }
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e).contains("gauntlet").contains("2 done, 1 failed, 0 running, 1 queued")
                .doesNotContain("booting");
        assertThat(out.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("PASS [ 2.00s] steady/tiny-1llc/eevdf", "FAIL [ 3.00s] steady/tiny-2llc/eevdf");
    }

    @Test
    void withoutATerminalNotesAreLinesAndQuietShowsNone() {
        try (GauntletProgress v = view(GauntletProgress.Mode.LINES, 1)) {
            v.note("steady/tiny-1llc/eevdf: booting");
            v.result("PASS [ 2.00s] steady/tiny-1llc/eevdf");
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("  steady/tiny-1llc/eevdf: booting\n");
        err.reset();
        try (GauntletProgress v = view(GauntletProgress.Mode.QUIET, 1)) {
            v.note("booting");
            v.warn("monitor off");
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(GauntletProgress.mode(true, true)).isEqualTo(GauntletProgress.Mode.QUIET);
        assertThat(GauntletProgress.mode(false, true)).isEqualTo(GauntletProgress.Mode.BAR);
        assertThat(GauntletProgress.mode(false, false)).isEqualTo(GauntletProgress.Mode.LINES);
    }
}
