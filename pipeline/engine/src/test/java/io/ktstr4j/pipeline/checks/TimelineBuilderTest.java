package io.ktstr4j.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.failure.Timeline;
import io.ktstr4j.schemas.failure.TimelinePhase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineBuilderTest {

    @Test
    void stimuliSplitSamplesIntoPhasesWithPerPhaseMetrics() {
        // Scenario starts 1000 ms after the VM; step 0 at 0 ms, step 1 at 500 ms, scenario ends at 1000 ms.
        List<Stimulus> st = List.of(new Stimulus(0, 0, 2, 0b11, 2, 4, 0),
                new Stimulus(500, 1, 1, 0b100, 2, 4, 5000));
        List<MonitorSample> samples = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long vmMs = 1000 + i * 50L;
            boolean second = vmMs - 1000 >= 500;
            samples.add(second
                    ? Samples.sample(vmMs, new long[] {6, 1, 1, 1}, new long[] {0, 7, 0, 0})
                    : Samples.sample(vmMs, new long[] {1, 1, 1, 1}, new long[] {1, 1, 1, 1}));
        }
        samples.add(Samples.balanced(200)); // before the scenario: in no phase
        Timeline t = TimelineBuilder.build("bzImage", "1n2l2c1t", "eevdf", st, samples, 1000, 1000);
        assertThat(t.phases()).hasSize(2);
        TimelinePhase p0 = t.phases().get(0);
        TimelinePhase p1 = t.phases().get(1);
        assertThat(p0.label()).isEqualTo("StepStart[0]");
        assertThat(p0.startMs()).isEqualTo(0);
        assertThat(p0.endMs()).isEqualTo(500);
        assertThat(p0.sampleCount()).isEqualTo(10);
        assertThat(p0.maxImbalance()).isEqualTo(1.0);
        assertThat(p0.iterationRate()).isCloseTo(10_000.0, within(1e-9)); // 5000 iterations in 0.5 s
        assertThat(p1.sampleCount()).isEqualTo(10);
        assertThat(p1.maxImbalance()).isEqualTo(6.0);
        assertThat(p1.maxDsqDepth()).isEqualTo(7);
        assertThat(p1.avgDsqDepth()).isCloseTo(7.0 / 4, within(1e-9));
        assertThat(t.durationMs()).isEqualTo(1000);
    }

    @Test
    void sidecarStimulusEventsUseKtstrLabels() {
        var ev = TimelineBuilder.sidecarEvents(List.of(new Stimulus(120, 0, 2, 3, 2, 4, 77)));
        assertThat(ev).singleElement().satisfies(e -> {
            assertThat(e.label()).isEqualTo("StepStart[0]");
            assertThat(e.opKind()).isEqualTo("ops=2");
            assertThat(e.detail()).isEqualTo("2 cgroups, 4 workers");
            assertThat(e.totalIterations()).isEqualTo(77);
        });
    }
}
