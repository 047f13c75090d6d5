package io.ktstr4j.schemas.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The merge chain: defaults, then the scheduler's layer, then the test's; the last layer that sets a value wins. */
class ThresholdsTest {

    static final AssertThresholds SCHED = AssertThresholds.builder().maxGapMs(5000L).maxImbalanceRatio(8.0).build();
    static final AssertThresholds TEST = AssertThresholds.builder().maxGapMs(2500L).minWorkRate(10.0).build();

    @Test
    void defaultsSetEveryWorkerAndMonitorThresholdAndLeaveBenchmarkChecksOff() {
        AssertThresholds rel = Thresholds.resolve(ThresholdMode.RELEASE).values();
        assertThat(rel).isEqualTo(Thresholds.defaults(ThresholdMode.RELEASE));
        assertThat(rel.notStarved()).isTrue();
        assertThat(rel.isolation()).isFalse();
        assertThat(rel.maxGapMs()).isEqualTo(2000L);
        assertThat(rel.maxSpreadPct()).isEqualTo(15.0);
        assertThat(rel.maxImbalanceRatio()).isEqualTo(4.0);
        assertThat(rel.maxLocalDsqDepth()).isEqualTo(50L);
        assertThat(rel.failOnStall()).isTrue();
        assertThat(rel.sustainedSamples()).isEqualTo(5);
        assertThat(rel.maxFallbackRate()).isEqualTo(200.0);
        assertThat(rel.maxKeepLastRate()).isEqualTo(100.0);
        assertThat(rel.maxThroughputCv()).isNull();
        assertThat(rel.minPageLocality()).isNull();
        AssertThresholds dbg = Thresholds.resolve(ThresholdMode.DEBUG).values();
        assertThat(dbg.maxGapMs()).isEqualTo(3000L);
        assertThat(dbg.maxSpreadPct()).isEqualTo(35.0);
        assertThat(dbg.maxImbalanceRatio()).isEqualTo(4.0);
    }

    @Test
    void oneThresholdSetAtEachLevelComesFromThatLevel() {
        AssertThresholds sched = AssertThresholds.builder().maxImbalanceRatio(8.0).build();
        AssertThresholds test = AssertThresholds.builder().maxP99WakeLatencyNs(1_000L).build();
        AssertThresholds t = Thresholds.resolve(ThresholdMode.RELEASE, sched, test).values();
        assertThat(t.maxSpreadPct()).isEqualTo(15.0);          // default
        assertThat(t.maxImbalanceRatio()).isEqualTo(8.0);      // scheduler
        assertThat(t.maxP99WakeLatencyNs()).isEqualTo(1_000L); // test
    }

    @Test
    void theLastLayerThatSetsAValueWins() {
        AssertThresholds t = Thresholds.resolve(ThresholdMode.RELEASE, SCHED, TEST).values();
        assertThat(t.maxGapMs()).isEqualTo(2500L);
        assertThat(t.maxImbalanceRatio()).isEqualTo(8.0);
        assertThat(t.minWorkRate()).isEqualTo(10.0);
        assertThat(Thresholds.resolve(ThresholdMode.RELEASE, TEST, SCHED).values().maxGapMs()).isEqualTo(5000L);
        assertThat(Thresholds.resolve(ThresholdMode.RELEASE, null, TEST, null).values().maxGapMs()).isEqualTo(2500L);
    }

    @Test
    void overKeepsTheBaseWhereTheLayerIsSilentAndEmptyChangesNothing() {
        assertThat(TEST.over(SCHED)).isEqualTo(AssertThresholds.builder()
                .maxGapMs(2500L).maxImbalanceRatio(8.0).minWorkRate(10.0).build());
        assertThat(AssertThresholds.EMPTY.over(SCHED)).isEqualTo(SCHED);
        assertThat(SCHED.over(AssertThresholds.EMPTY)).isEqualTo(SCHED);
        assertThat(SCHED.over(null)).isEqualTo(SCHED);
    }

    @Test
    void aFalseFlagIsAValueAndOverridesTheDefault() {
        AssertThresholds off = AssertThresholds.builder().notStarved(false).failOnStall(false).build();
        AssertThresholds t = Thresholds.resolve(ThresholdMode.RELEASE, off).values();
        assertThat(t.notStarved()).isFalse();
        assertThat(t.failOnStall()).isFalse();
    }

    @Test
    void aSpecResolvesItsSchedulerAssertThenItsAssertAndCarriesItsCleanupBudget() {
        TestSpec spec = Json.read("""
                {"name": "t", "scenario": "steady", "cleanup_budget_ms": 250,
                 "scheduler_assert": {"max_gap_ms": 5000, "sustained_samples": 8},
                 "assert": {"max_gap_ms": 2500}}""", TestSpec.class);
        Thresholds t = Thresholds.of(spec, ThresholdMode.DEBUG);
        assertThat(t.mode()).isEqualTo(ThresholdMode.DEBUG);
        assertThat(t.values().maxGapMs()).isEqualTo(2500L);
        assertThat(t.values().sustainedSamples()).isEqualTo(8);
        assertThat(t.values().maxSpreadPct()).isEqualTo(35.0);
        assertThat(t.cleanupBudgetMs()).isEqualTo(250L);
        assertThat(Thresholds.of(TestSpec.of("t", "steady"), ThresholdMode.RELEASE))
                .isEqualTo(Thresholds.resolve(ThresholdMode.RELEASE));
    }

    @Test
    void resolvedThresholdsMustSetEveryThresholdThatHasADefault() {
        assertThatThrownBy(() -> new Thresholds(ThresholdMode.RELEASE, SCHED, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Thresholds.resolve");
    }

    @Test
    void aLayerIsValidatedWhenBuilt() {
        assertThatThrownBy(() -> AssertThresholds.builder().sustainedSamples(0).build())
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("sustained_samples");
    }

    @Test
    void aLayerKeepsItsJsonNames() {
        String json = Json.write(AssertThresholds.builder().maxGapMs(1500L).isolation(true).build());
        assertThat(Json.read(json, Map.class)).containsEntry("max_gap_ms", 1500).containsEntry("isolation", true)
                .containsEntry("max_spread_pct", null).hasSize(19);
        assertThat(Json.read(json, AssertThresholds.class).maxGapMs()).isEqualTo(1500L);
    }
}
