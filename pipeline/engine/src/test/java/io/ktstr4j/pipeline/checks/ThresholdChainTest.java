package io.ktstr4j.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThresholdChainTest {

    @Test
    void defaultsAreKtstrsReleaseAndDebugValues() {
        Thresholds rel = ThresholdChain.resolve(ThresholdMode.RELEASE);
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
        Thresholds dbg = ThresholdChain.resolve(ThresholdMode.DEBUG);
        assertThat(dbg.maxSpreadPct()).isEqualTo(35.0);
        assertThat(dbg.maxGapMs()).isEqualTo(3000);
    }

    @Test
    void lastLayerThatSetsAValueWins() {
        ThresholdLayer sched = ThresholdChain.builder(ThresholdMode.RELEASE)
                .maxGapMs(5000L).maxImbalanceRatio(8.0).isolation(true).layer();
        ThresholdLayer test = ThresholdChain.builder(ThresholdMode.RELEASE)
                .maxGapMs(2500L).maxP99WakeLatencyNs(1_000_000L).layer();
        Thresholds t = ThresholdChain.resolve(ThresholdMode.RELEASE, sched, test);
        assertThat(t.maxGapMs()).isEqualTo(2500);          // test over scheduler
        assertThat(t.maxImbalanceRatio()).isEqualTo(8.0);  // scheduler over default, test silent
        assertThat(t.isolation()).isTrue();
        assertThat(t.maxP99WakeLatencyNs()).isEqualTo(1_000_000L);
        assertThat(t.maxSpreadPct()).isEqualTo(15.0);      // nobody set it: default
        // The order matters: swapping the layers flips the winner.
        assertThat(ThresholdChain.resolve(ThresholdMode.RELEASE, test, sched).maxGapMs()).isEqualTo(5000);
    }

    @Test
    void notStarvedFalseTurnsTheDefaultWorkerChecksOff() {
        Thresholds t = ThresholdChain.builder(ThresholdMode.RELEASE).notStarved(false).build();
        var r = WorkerChecks.evaluate(java.util.List.of(CgroupReports.of("cg", java.util.List.of(
                WorkerChecksTest.worker(1, 0, 0, 9000, java.util.Set.of(0))))), t);
        assertThat(r.findings()).isEmpty();
    }
}
