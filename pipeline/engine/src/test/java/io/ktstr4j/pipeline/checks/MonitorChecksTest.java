package io.ktstr4j.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.vmm.monitor.MonitorViolation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class MonitorChecksTest {

    static final Thresholds T = Thresholds.resolve(ThresholdMode.RELEASE);

    static List<MonitorSample> balancedRun(int n) {
        List<MonitorSample> s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            s.add(Samples.balanced(i * 100L));
        }
        return s;
    }

    /** Balanced run with samples [from, from+count) replaced by an imbalanced one (8 vs 1 runnable). */
    static List<MonitorSample> withImbalance(int n, int from, int count) {
        List<MonitorSample> s = balancedRun(n);
        for (int i = from; i < from + count; i++) {
            s.set(i, Samples.sample(i * 100L, new long[] {8, 1, 1, 1}, new long[] {0, 0, 0, 0}));
        }
        return s;
    }

    MonitorConclusion verdict(List<MonitorSample> s) {
        return MonitorChecks.verdict(Flux.fromIterable(s), T).block();
    }

    @Test
    void balancedRunPassesWithSummary() {
        MonitorConclusion v = verdict(balancedRun(20));
        assertThat(v.state()).isEqualTo(MonitorConclusion.State.PASSED);
        assertThat(v.summary().totalSamples()).isEqualTo(20);
        assertThat(v.summary().maxImbalanceRatio()).isEqualTo(1.0);
        assertThat(v.summary().maxLocalDsqDepth()).isEqualTo(1);
        assertThat(v.summary().stallDetected()).isFalse();
    }

    @Test
    void imbalanceForFourSamplesIsNotSustainedButFiveIs() {
        assertThat(verdict(withImbalance(20, 5, 4)).state()).isEqualTo(MonitorConclusion.State.PASSED);
        MonitorConclusion v = verdict(withImbalance(20, 5, 5));
        assertThat(v.state()).isEqualTo(MonitorConclusion.State.FAILED);
        assertThat(v.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.MONITOR);
            assertThat(f.message()).contains("imbalance ratio 8.0").contains("> 4.0").contains("5 samples");
        });
    }

    @Test
    void interruptedViolationRestartsTheCount() {
        List<MonitorSample> s = withImbalance(20, 2, 4);
        s.set(7, Samples.sample(700, new long[] {8, 1, 1, 1}, new long[] {0, 0, 0, 0}));
        s.set(8, Samples.sample(800, new long[] {8, 1, 1, 1}, new long[] {0, 0, 0, 0}));
        assertThat(verdict(s).state()).isEqualTo(MonitorConclusion.State.PASSED);
    }

    @Test
    void deepLocalDsqSustainedFails() {
        List<MonitorSample> s = balancedRun(12);
        for (int i = 3; i < 9; i++) {
            s.set(i, Samples.sample(i * 100L, new long[] {2, 2, 2, 2}, new long[] {0, 51, 0, 0}));
        }
        MonitorConclusion v = verdict(s);
        assertThat(v.state()).isEqualTo(MonitorConclusion.State.FAILED);
        assertThat(v.findings().get(0).message()).contains("local DSQ depth 51 on cpu1 > 50");
    }

    @Test
    void frozenClockWithRunnableTasksIsAStallButIdleOrPreemptedIsNot() {
        List<MonitorSample> stalled = new ArrayList<>();
        List<MonitorSample> idle = new ArrayList<>();
        List<MonitorSample> preempted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long ms = i * 100L;
            stalled.add(Samples.frozen(ms, 42, new long[] {1, 1}, new Long[] {ms * 1_000_000L, ms * 1_000_000L}));
            idle.add(Samples.frozen(ms, 42, new long[] {0, 1}, null));
            preempted.add(Samples.frozen(ms, 42, new long[] {1, 1}, new Long[] {5L, ms * 1_000_000L}));
        }
        MonitorConclusion v = verdict(stalled);
        assertThat(v.state()).isEqualTo(MonitorConclusion.State.FAILED);
        assertThat(v.findings().get(0).message()).startsWith("monitor: stall: cpu0");
        assertThat(v.summary().stallDetected()).isTrue();
        assertThat(verdict(idle).state()).isEqualTo(MonitorConclusion.State.PASSED);
        assertThat(verdict(preempted).state()).isEqualTo(MonitorConclusion.State.PASSED);
        Thresholds noStall = Thresholds.resolve(ThresholdMode.RELEASE,
                AssertThresholds.builder().failOnStall(false).build());
        assertThat(MonitorChecks.verdict(Flux.fromIterable(stalled), noStall).block().state())
                .isEqualTo(MonitorConclusion.State.PASSED);
    }

    @Test
    void fallbackAndKeepLastRatesArePerSecondAcrossCpus() {
        // 2 CPUs, +11 fallbacks and +6 keep-lasts per CPU per 100 ms = 220/s and 120/s.
        List<MonitorSample> s = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            s.add(Samples.withCounters(i * 100L, 11L * i, 6L * i));
        }
        MonitorConclusion v = verdict(s);
        assertThat(v.state()).isEqualTo(MonitorConclusion.State.FAILED);
        assertThat(v.findings()).extracting(Finding::message)
                .anyMatch(m -> m.contains("select_cpu_fallback rate 220/s > 200/s"))
                .anyMatch(m -> m.contains("dispatch_keep_last rate 120/s > 100/s"));
        assertThat(v.summary().eventDeltas().totalFallback()).isEqualTo(2 * 11 * 9);
        assertThat(v.summary().eventDeltas().fallbackRate()).isCloseTo(220.0, org.assertj.core.api.Assertions.within(1e-6));
        List<MonitorSample> ok = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ok.add(Samples.withCounters(i * 100L, 9L * i, 4L * i));
        }
        assertThat(verdict(ok).state()).isEqualTo(MonitorConclusion.State.PASSED);
    }

    @Test
    void identicalClocksOrImplausibleDepthMeanNotInitialisedNotPass() {
        List<MonitorSample> zeros = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            zeros.add(new MonitorSample(i * 100L, List.of(
                    io.ktstr4j.schemas.monitor.CpuSnapshot.basic(0, 0, 0, 0, 0),
                    io.ktstr4j.schemas.monitor.CpuSnapshot.basic(0, 0, 0, 0, 0)), null));
        }
        MonitorConclusion v = verdict(zeros);
        assertThat(v.state()).isEqualTo(MonitorConclusion.State.NOT_INITIALIZED);
        assertThat(v.findings().get(0).kind()).isEqualTo(FindingKind.NOT_INITIALIZED);

        List<MonitorSample> garbage = withImbalance(12, 2, 6); // would fail...
        garbage.set(1, Samples.sample(100, new long[] {1, 1, 1, 1}, new long[] {0, 20_000, 0, 0}));
        MonitorConclusion g = verdict(garbage);
        assertThat(g.state()).isEqualTo(MonitorConclusion.State.NOT_INITIALIZED); // ...but the data is not trusted
        assertThat(g.findings().get(0).message()).contains("20000").contains("10000");

        assertThat(verdict(List.of()).state()).isEqualTo(MonitorConclusion.State.NO_SAMPLES);
    }

    @Test
    void violationsOperatorEmitsOnceWhenSustainedAndIsColdPerSubscriber() {
        Flux<MonitorViolation> live = MonitorChecks.violations(Flux.fromIterable(withImbalance(20, 5, 8)), T);
        StepVerifier.create(live)
                .assertNext(v -> {
                    assertThat(v.check()).isEqualTo("imbalance");
                    assertThat(v.elapsedMs()).isEqualTo(900);
                })
                .verifyComplete();
        StepVerifier.create(live).expectNextCount(1).verifyComplete();
    }

    @Test
    void sustainedSamplesThresholdIsHonoured() {
        Thresholds two = Thresholds.resolve(ThresholdMode.RELEASE,
                AssertThresholds.builder().sustainedSamples(2).build());
        assertThat(MonitorChecks.verdict(Flux.fromIterable(withImbalance(20, 5, 2)), two).block().state())
                .isEqualTo(MonitorConclusion.State.FAILED);
    }
}
