package io.ktstr4j.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogCollapserTest {

    private static List<String> cycle(String prefix, int period) {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < period; i++) {
            c.add(prefix + i);
        }
        return c;
    }

    @Test
    void collapsesFiveLineCycleRepeatedFourTimesToOneCopyAndMarker() {
        List<String> in = new ArrayList<>();
        in.add("start");
        for (int r = 0; r < 4; r++) {
            in.addAll(cycle("dispatch ", 5));
        }
        in.add("end");
        List<String> out = new LogCollapser().collapse(in);
        List<String> expected = new ArrayList<>();
        expected.add("start");
        expected.addAll(cycle("dispatch ", 5));
        expected.add(LogCollapser.marker(5, 4));
        expected.add("end");
        assertThat(out).isEqualTo(expected);
    }

    @Test
    void keepsCycleRepeatedOnlyTwice() {
        List<String> in = new ArrayList<>(cycle("a", 5));
        in.addAll(cycle("a", 5));
        assertThat(new LogCollapser().collapse(in)).isEqualTo(in);
    }

    @Test
    void keepsShortCyclesBelowMinimumPeriod() {
        List<String> in = List.of("x", "y", "x", "y", "x", "y", "x", "y");
        assertThat(new LogCollapser().collapse(in)).isEqualTo(in);
    }

    @Test
    void secondPassCollapsesOuterCycleAfterInnerOnes() {
        // Outer block = 6 header lines + an inner 5-line cycle x3; the outer block repeats 3 times.
        List<String> block = new ArrayList<>(cycle("h", 6));
        for (int r = 0; r < 3; r++) {
            block.addAll(cycle("i", 5));
        }
        List<String> in = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            in.addAll(block);
        }
        List<String> out = new LogCollapser().collapse(in);
        assertThat(out.size()).isLessThan(6 + 5 + 3);
        assertThat(out).contains(LogCollapser.marker(5, 3));
        assertThat(out).last().asString().startsWith("[... previous");
    }
}
