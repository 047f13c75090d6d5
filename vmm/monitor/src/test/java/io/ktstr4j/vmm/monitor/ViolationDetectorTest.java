package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViolationDetectorTest {

    static final Thresholds T = Thresholds.resolve(ThresholdMode.RELEASE);

    /** cpu0 runnable with its rq_clock frozen, its vCPU running {@code vcpuNsPerSample} per sample; cpu1 busy. */
    static List<MonitorSample> frozenCpu0(int n, long vcpuNsPerSample) {
        List<MonitorSample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ms = 100L * i;
            out.add(new MonitorSample(ms, List.of(
                    new CpuSnapshot(1, 1, 0, 42, 0, null, null, i * vcpuNsPerSample, null, null),
                    new CpuSnapshot(1, 1, 0, ms * 1_000_000L, 0, null, null, ms * 1_000_000L, null, null)), null));
        }
        return out;
    }

    static List<MonitorViolation> feed(ViolationDetector d, List<MonitorSample> samples) {
        List<MonitorViolation> out = new ArrayList<>();
        samples.forEach(s -> out.addAll(d.accept(s)));
        return out;
    }

    @Test
    void aStallIsReportedOnceOnTheFifthConsecutiveStalledComparison() {
        ViolationDetector d = new ViolationDetector(T, ViolationDetector.VERDICT_PREEMPT_THRESHOLD_NS);
        List<MonitorSample> s = frozenCpu0(10, 100_000_000L);
        assertThat(feed(d, s.subList(0, 5))).isEmpty();
        assertThat(d.accept(s.get(5))).singleElement().satisfies(v -> {
            assertThat(v.check()).isEqualTo(ViolationDetector.STALL);
            assertThat(v.cpu()).isZero();
            assertThat(v.elapsedMs()).isEqualTo(500);
        });
        assertThat(feed(d, s.subList(6, 10))).isEmpty();
        assertThat(d.firstSustained()).hasSize(1);
    }

    @Test
    void thePreemptionThresholdIsAParameterTheLiveMonitorAndTheVerdictSetDifferently() {
        // The vCPU ran 20 ms per 100 ms sample: more than the live 10 ms, less than the verdict's 40 ms.
        List<MonitorSample> s = frozenCpu0(10, 20_000_000L);
        assertThat(feed(new ViolationDetector(T, ViolationDetector.LIVE_PREEMPT_THRESHOLD_NS), s))
                .extracting(MonitorViolation::check).containsExactly(ViolationDetector.STALL);
        assertThat(feed(new ViolationDetector(T, ViolationDetector.VERDICT_PREEMPT_THRESHOLD_NS), s)).isEmpty();
    }

    @Test
    void failOnStallOffSilencesStallsAndSustainedSamplesComesFromTheThresholds() {
        Thresholds noStall = Thresholds.resolve(ThresholdMode.RELEASE,
                AssertThresholds.builder().failOnStall(false).build());
        ViolationDetector d = new ViolationDetector(noStall, ViolationDetector.VERDICT_PREEMPT_THRESHOLD_NS);
        assertThat(feed(d, frozenCpu0(10, 100_000_000L))).isEmpty();
        assertThat(d.stallSeen()).isTrue();

        Thresholds two = Thresholds.resolve(ThresholdMode.RELEASE,
                AssertThresholds.builder().sustainedSamples(2).build());
        ViolationDetector d2 = new ViolationDetector(two, ViolationDetector.VERDICT_PREEMPT_THRESHOLD_NS);
        List<MonitorSample> s = frozenCpu0(3, 100_000_000L);
        assertThat(feed(d2, s.subList(0, 2))).isEmpty();
        assertThat(d2.accept(s.get(2))).hasSize(1);
    }

    @Test
    void anImplausibleDsqDepthIsNotADepthViolation() {
        ViolationDetector d = new ViolationDetector(T, ViolationDetector.VERDICT_PREEMPT_THRESHOLD_NS);
        List<MonitorViolation> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long ms = 100L * i;
            out.addAll(d.accept(new MonitorSample(ms, List.of(
                    CpuSnapshot.basic(1, 1, ViolationDetector.DSQ_PLAUSIBILITY_CEILING + 1, ms * 1_000_000L, 0),
                    CpuSnapshot.basic(1, 1, 0, ms * 1_000_000L + 1, 0)), null)));
        }
        assertThat(out).isEmpty();
    }
}
