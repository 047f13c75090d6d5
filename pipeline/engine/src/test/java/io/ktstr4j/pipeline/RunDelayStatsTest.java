package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.checks.CgroupReports;
import io.ktstr4j.pipeline.checks.WorkerChecks;
import io.ktstr4j.pipeline.checks.WorkerSamples;
import io.ktstr4j.schemas.report.CgroupStats;
import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.report.WorkerReport;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sidecar's run-delay metrics from the workers' {@code schedstat_run_delay_ns}, through the checks' summaries. */
class RunDelayStatsTest {

    static final long SEC = 1_000_000_000L;

    static WorkerReport worker(int tid, long runDelayNs, boolean messenger) {
        return WorkerReport.builder().tid(tid).workUnits(100_000).cpuTimeNs(2 * SEC).wallTimeNs(2 * SEC)
                .offCpuNs(SEC / 10).cpusUsed(List.of(0)).iterations(100).schedstatRunDelayNs(runDelayNs)
                .isMessenger(messenger).completed(true).build();
    }

    static CgroupReports cgroup(String name, WorkerReport... reports) {
        return CgroupReports.of(name, Arrays.stream(reports).map(WorkerSamples::of).toList());
    }

    static ScenarioStats stats(CgroupReports... cgroups) {
        return Evaluation.stats(WorkerChecks.evaluate(List.of(cgroups), Thresholds.resolve(ThresholdMode.RELEASE))
                .cgroups());
    }

    @Test
    void perCgroupMeanAndWorstAreOverWorkersInMicroseconds() {
        ScenarioStats s = stats(cgroup("cg0", worker(1, 100_000, false), worker(2, 300_000, false)),
                cgroup("cg1", worker(3, 250_000, false), worker(4, 250_000, false), worker(5, 250_000, false)));
        CgroupStats cg0 = s.cgroups().get(0);
        CgroupStats cg1 = s.cgroups().get(1);
        assertThat(cg0.meanRunDelayUs()).isEqualTo(200.0);
        assertThat(cg0.worstRunDelayUs()).isEqualTo(300.0);
        assertThat(cg1.meanRunDelayUs()).isEqualTo(250.0);
        assertThat(cg1.worstRunDelayUs()).isEqualTo(250.0);
        // The worst mean is cg1's, the worst single worker cg0's: the two scenario maxima come from different cgroups.
        assertThat(s.worstMeanRunDelayUs()).isEqualTo(250.0);
        assertThat(s.worstRunDelayUs()).isEqualTo(300.0);
    }

    @Test
    void messengersCountAndSubMicrosecondDelaysAreKept() {
        ScenarioStats s = stats(cgroup("fanout", worker(1, 900_500, true), worker(2, 100_000, false)));
        assertThat(s.cgroups().get(0).meanRunDelayUs()).isEqualTo(500.25);
        assertThat(s.worstRunDelayUs()).isEqualTo(900.5);
    }

    @Test
    void aCgroupWithoutWorkersHasNoRunDelay() {
        ScenarioStats s = stats(cgroup("empty"), cgroup("cg1", worker(1, 40_000, false)));
        assertThat(s.cgroups().get(0).meanRunDelayUs()).isZero();
        assertThat(s.cgroups().get(0).worstRunDelayUs()).isZero();
        assertThat(s.worstMeanRunDelayUs()).isEqualTo(40.0);
        assertThat(s.worstRunDelayUs()).isEqualTo(40.0);
    }
}
