package io.ktstr4j.pipeline.gauntlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.pipeline.SchedulerChoice;
import io.ktstr4j.pipeline.Variant;
import io.ktstr4j.schemas.topology.TopologyPresets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --budget}: most new coverage per estimated second, estimates from past results or the preset size. */
class BudgetSelectionTest {

    static Variant v(String preset, SchedulerChoice s) {
        Variant base = GauntletExecutorTest.variant("steady", preset, TopologyPresets.get(preset));
        return new Variant(base.testName(), base.preset(), base.topology(), s, base.kernel(), base.plan(),
                base.duration(), base.memoryMb(), base.watchdog(), base.thresholds(), List.of(), List.of(), "CpuSpin");
    }

    static final SchedulerChoice SIMPLE = SchedulerChoice.binary(Path.of("/bin/true"), List.of());

    /** tiny-1llc, tiny-2llc, smt-2llc x {eevdf, true}: six variants of 1 s scenarios. */
    static List<Variant> six() {
        List<Variant> vs = new ArrayList<>();
        for (String p : List.of("tiny-1llc", "tiny-2llc", "smt-2llc")) {
            vs.add(v(p, SchedulerChoice.eevdf()));
            vs.add(v(p, SIMPLE));
        }
        return vs;
    }

    @Test
    void theEstimateFromSizeIsKtstrsFormula() {
        assertThat(BudgetSelection.sizeEstimate(v("tiny-1llc", SchedulerChoice.eevdf()))).isEqualTo(13_000);
        Variant big = v("tiny-1llc", SchedulerChoice.eevdf());
        big = new Variant(big.testName(), "medium-8llc", TopologyPresets.get("medium-8llc"), big.scheduler(),
                big.kernel(), big.plan(), big.duration(), big.memoryMb(), big.watchdog(), big.thresholds(), List.of(),
                List.of(), "CpuSpin");
        assertThat(BudgetSelection.sizeEstimate(big)).isEqualTo((10 + 4 + 2) * 1000 + 1000); // 64 vCPUs
    }

    @Test
    void aTightBudgetCoversEveryPresetAndSchedulerBeforeRepeatingOne() {
        // 13 s each: 40 s at one VM at a time holds three; they must cover both schedulers and all three presets
        // better than plan order (tiny-1llc x 2, tiny-2llc) would
        BudgetSelection.Plan p = BudgetSelection.select(six(), Duration.ofSeconds(40), 1, Map.of());
        assertThat(p.picked()).hasSize(3);
        assertThat(p.variants().stream().map(Variant::preset).distinct()).hasSize(3);
        assertThat(p.variants().stream().map(x -> x.scheduler().name()).distinct()).hasSize(2);
        assertThat(p.left()).hasSize(3);
        assertThat(p.summary()).startsWith("budget 40s: 3 of 6 variants, ~39s estimated at 1 side by side (0 from "
                + "past results, 3 from preset size)");
    }

    @Test
    void pastDurationsReplaceTheSizeEstimateAndParallelismStretchesTheBudget() {
        Map<String, List<Long>> past = Map.of("steady/tiny-1llc/eevdf", List.of(4_000L, 5_000L, 90_000L));
        BudgetSelection.Plan p = BudgetSelection.select(six(), Duration.ofSeconds(30), 2, past);
        BudgetSelection.Pick known = p.picked().stream().filter(x -> x.variant().key().equals("steady/tiny-1llc/eevdf"))
                .findFirst().orElseThrow();
        assertThat(known.fromPast()).isTrue();
        assertThat(known.estimateMs()).isEqualTo(5_000); // the median of the last runs
        // 60 s of VM time at 2 side by side: 5 + 13 x 4 = 57 s fits five
        assertThat(p.picked()).hasSize(5);
        assertThat(p.estimatedMs()).isEqualTo(57_000 / 2);
        // the picked keep the plan's order
        List<Variant> order = six();
        assertThat(p.variants()).isSortedAccordingTo(java.util.Comparator.comparingInt(order::indexOf));
    }

    @Test
    void trialsMultiplyWhatEachPickCostsAndASkippedVariantCoversNothing() {
        // 40 s holds three 13 s variants once, but only one of them three times
        BudgetSelection.Plan p = BudgetSelection.select(six(), Duration.ofSeconds(40), 1, Map.of(), 3);
        assertThat(p.picked()).hasSize(1);
        assertThat(p.estimatedMs()).isEqualTo(39_000);
        assertThat(p.summary()).contains("1 of 6 variants x 3 trials");
        Variant skipped = v("tiny-1llc", SchedulerChoice.eevdf());
        skipped = new Variant(skipped.testName(), "odd-3llc", TopologyPresets.get("odd-3llc"), skipped.scheduler(),
                skipped.kernel(), null, skipped.duration(), skipped.memoryMb(), skipped.watchdog(),
                skipped.thresholds(), List.of(), List.of(), "CpuSpin", "does not fit", 0);
        assertThat(BudgetSelection.features(skipped)).isEmpty();
    }

    @Test
    void aBudgetTooSmallForAnythingPicksNothingAndANonPositiveOneIsRefused() {
        assertThat(BudgetSelection.select(six(), Duration.ofSeconds(5), 1, Map.of()).picked()).isEmpty();
        assertThatThrownBy(() -> BudgetSelection.select(six(), Duration.ZERO, 1, Map.of()))
                .hasMessageContaining("--budget");
    }
}
