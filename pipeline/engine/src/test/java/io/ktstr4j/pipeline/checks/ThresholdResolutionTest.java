package io.ktstr4j.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import org.junit.jupiter.api.Test;

class ThresholdResolutionTest {

    @Test
    void defaultsAreKtstrsReleaseAndDebugValues() {
        AssertThresholds rel = Thresholds.resolve(ThresholdMode.RELEASE).values();
        assertThat(rel.maxSpreadPct()).isEqualTo(15.0);
        assertThat(rel.maxGapMs()).isEqualTo(2000);
        assertThat(rel.notStarved()).isTrue();
        assertThat(rel.isolation()).isFalse();
        assertThat(rel.maxImbalanceRatio()).isEqualTo(4.0);
        assertThat(rel.maxLocalDsqDepth()).isEqualTo(50);
        assertThat(rel.sustainedSamples()).isEqualTo(5);
        assertThat(rel.maxFallbackRate()).isEqualTo(200.0);
        assertThat(rel.maxKeepLastRate()).isEqualTo(100.0);
        assertThat(rel.failOnStall()).isTrue();
        assertThat(rel.maxP99WakeLatencyNs()).isNull();
        AssertThresholds dbg = Thresholds.resolve(ThresholdMode.DEBUG).values();
        assertThat(dbg.maxSpreadPct()).isEqualTo(35.0);
        assertThat(dbg.maxGapMs()).isEqualTo(3000);
    }

    @Test
    void lastLayerThatSetsAValueWins() {
        AssertThresholds sched = AssertThresholds.builder()
                .maxGapMs(5000L).maxImbalanceRatio(8.0).isolation(true).build();
        AssertThresholds test = AssertThresholds.builder()
                .maxGapMs(2500L).maxP99WakeLatencyNs(1_000_000L).build();
        AssertThresholds t = Thresholds.resolve(ThresholdMode.RELEASE, sched, test).values();
        assertThat(t.maxGapMs()).isEqualTo(2500);          // test over scheduler
        assertThat(t.maxImbalanceRatio()).isEqualTo(8.0);  // scheduler over default, test silent
        assertThat(t.isolation()).isTrue();
        assertThat(t.maxP99WakeLatencyNs()).isEqualTo(1_000_000L);
        assertThat(t.maxSpreadPct()).isEqualTo(15.0);      // nobody set it: default
        // The order matters: swapping the layers flips the winner.
        assertThat(Thresholds.resolve(ThresholdMode.RELEASE, test, sched).values().maxGapMs()).isEqualTo(5000);
    }

    @Test
    void notStarvedFalseTurnsTheDefaultWorkerChecksOff() {
        Thresholds t = Thresholds.resolve(ThresholdMode.RELEASE, AssertThresholds.builder().notStarved(false).build());
        var r = WorkerChecks.evaluate(java.util.List.of(CgroupReports.of("cg", java.util.List.of(
                WorkerChecksTest.worker(1, 0, 0, 9000, java.util.Set.of(0))))), t);
        assertThat(r.findings()).isEmpty();
    }
}
