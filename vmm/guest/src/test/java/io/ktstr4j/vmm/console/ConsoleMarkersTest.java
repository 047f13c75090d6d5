package io.ktstr4j.vmm.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ConsoleLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConsoleMarkersTest {

    @Test
    void exitCodeIsReadFromTheMarkerAnywhereInTheLine() {
        assertThat(ConsoleMarkers.exitCode("KTSTR_EXIT=0")).isZero();
        assertThat(ConsoleMarkers.exitCode("[  1.0] KTSTR_EXIT=-3 trailing")).isEqualTo(-3);
        assertThat(ConsoleMarkers.exitCode("KTSTR_EXIT=")).isNull();
        assertThat(ConsoleMarkers.exitCode("KTSTR_EXIT=99999999999")).isNull();
        assertThat(ConsoleMarkers.exitCode("no marker")).isNull();
    }

    @Test
    void anExitMarkerWithoutAnIntCodeIsAProblemNamingTheLine() {
        assertThat(ConsoleMarkers.exitMarkerProblem("KTSTR_EXIT=99999999999"))
                .isEqualTo("COM2 line 'KTSTR_EXIT=99999999999': exit code 99999999999 is outside the int range the "
                        + "agent writes; ignored");
        assertThat(ConsoleMarkers.exitMarkerProblem("x KTSTR_EXIT=")).contains("'x KTSTR_EXIT='")
                .contains("no exit code after KTSTR_EXIT=");
        assertThat(ConsoleMarkers.exitMarkerProblem("KTSTR_EXIT=-2147483648")).isNull();
        assertThat(ConsoleMarkers.exitMarkerProblem("no marker")).isNull();
    }

    @Test
    void panicAndInitMarkers() {
        assertThat(ConsoleMarkers.isPanic("[ 2.1] Kernel panic - not syncing: Attempted to kill init!")).isTrue();
        assertThat(ConsoleMarkers.isPanic("Kernel panic")).isFalse();
        assertThat(ConsoleMarkers.isInitStarted("KTSTR_INIT_STARTED")).isTrue();
    }

    @Test
    void theAgentPrintsTheMarkersTheHostParses() throws IOException {
        String main = Files.readString(Path.of("src/main/c/agent/main.c"));
        assertThat(main).contains("com2_printf(\"" + ConsoleMarkers.EXIT_PREFIX + "%d\\n\"")
                .contains("com2_printf(\"" + ConsoleMarkers.INIT_STARTED + "\\n\")");
    }

    @Test
    void guestConsoleKeepsTheFirstCom1PanicAndTheLastExitCode() {
        GuestConsole c = new GuestConsole();
        c.observe(ConsoleLine.COM2, "echo Kernel panic - not syncing: from the agent");
        assertThat(c.panicLine()).isNull();
        c.observe(ConsoleLine.COM1, "  Kernel panic - not syncing: first  ");
        c.observe(ConsoleLine.COM1, "Kernel panic - not syncing: second");
        c.observe(ConsoleLine.COM2, "KTSTR_EXIT=1");
        c.observe(ConsoleLine.COM1, "KTSTR_EXIT=2");
        assertThat(c.panicLine()).isEqualTo("Kernel panic - not syncing: first");
        assertThat(c.exitCode()).isEqualTo(2);
    }
}
