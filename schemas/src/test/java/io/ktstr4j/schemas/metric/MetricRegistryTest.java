package io.ktstr4j.schemas.metric;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.report.Polarity;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricRegistryTest {

    /** ktstr-features.md, "Metric registry": name, polarity (L/H), default_abs, default_rel, in ktstr's order. */
    static final String KTSTR = "worst_spread L 5.0 0.25 · worst_gap_ms L 500 0.50 · total_migrations L 10 0.30 · "
            + "worst_migration_ratio L 0.05 0.20 · max_imbalance_ratio L 1.0 0.25 · max_dsq_depth L 10 0.50 · "
            + "stall_count L 1 0.50 · total_fallback L 5 0.30 · total_keep_last L 5 0.30 · "
            + "worst_p99_wake_latency_us L 50 0.25 · worst_median_wake_latency_us L 20 0.25 · "
            + "worst_wake_latency_cv L 0.10 0.25 · total_iterations H 100 0.10 · worst_mean_run_delay_us L 50 0.25 · "
            + "worst_run_delay_us L 100 0.50 · worst_wake_latency_tail_ratio L 0.5 0.25 · "
            + "worst_iterations_per_worker H 10 0.10 · worst_page_locality H 0.05 0.10 · "
            + "worst_cross_node_migration_ratio L 0.05 0.20";

    @Test
    void theRegistryIsKtstrsNineteenMetricsWithTheirPolaritiesAndGates() {
        List<String> expected = java.util.Arrays.stream(KTSTR.split(" · ")).toList();
        List<String> actual = MetricRegistry.registry().stream().map(d -> d.name() + " "
                + (d.polarity().equals(Polarity.LOWER_BETTER) ? "L" : "H") + " " + d.defaultAbs() + " "
                + d.defaultRel()).toList();
        assertThat(actual).hasSize(19);
        for (int i = 0; i < expected.size(); i++) {
            String[] e = expected.get(i).split(" ");
            assertThat(actual.get(i)).isEqualTo(e[0] + " " + e[1] + " " + Double.parseDouble(e[2]) + " "
                    + Double.parseDouble(e[3]));
        }
    }

    @Test
    void readsEveryMetricFromAKtstrSidecarIncludingTheMonitorOnes() throws Exception {
        SidecarResult r = Json.read(Path.of(getClass().getResource("/golden/ktstr_sidecar.ktstr.json").toURI()),
                SidecarResult.class);
        Map<String, Double> v = new LinkedHashMap<>();
        for (int i = 0; i < 19; i++) {
            v.put(MetricRegistry.registry().get(i).name(), MetricRegistry.read(i, r));
        }
        assertThat(v).containsEntry("worst_spread", 5.5).containsEntry("worst_gap_ms", 38.0)
                .containsEntry("total_iterations", 100090.0).containsEntry("max_imbalance_ratio", 2.0)
                .containsEntry("max_dsq_depth", 3.0).containsEntry("stall_count", 0.0)
                .containsEntry("total_fallback", 12.0).containsEntry("total_keep_last", 31.0)
                .containsEntry("worst_iterations_per_worker", 12053.25);
        assertThat(MetricRegistry.payloadValues(r)).extracting(p -> p.def().name() + "=" + p.value() + " "
                        + p.def().polarity().kind())
                .containsExactly("p99_wakeup_latency_us=84.0 LOWER_BETTER", "requests_per_sec=10412.5 HIGHER_BETTER",
                        "cpu_util_pct=71.25 TARGET_VALUE", "phase_count=3.0 UNKNOWN");
        assertThat(MetricRegistry.payloadValues(r).get(0).def().defaultRel())
                .isEqualTo(MetricRegistry.PAYLOAD_DEFAULT_REL);
    }

    @Test
    void monitorMetricsAreAbsentWithoutAMonitorNotZero() throws Exception {
        SidecarResult r = Json.read(Path.of(getClass().getResource("/golden/ktstr_sidecar.ktstr.json").toURI()),
                SidecarResult.class).toBuilder().monitor(null).build();
        assertThat(MetricRegistry.read(MetricRegistry.indexOf("max_dsq_depth"), r)).isNull();
        assertThat(MetricRegistry.read(MetricRegistry.indexOf("stall_count"), r)).isNull();
        assertThat(MetricRegistry.read(MetricRegistry.indexOf("worst_spread"), r)).isEqualTo(5.5);
    }

    @Test
    void payloadNamesStayApartFromRegistryNamesAndLaterInvocations() {
        assertThat(MetricRegistry.payloadName("rps", 0)).isEqualTo("rps");
        assertThat(MetricRegistry.payloadName("rps", 2)).isEqualTo("rps#2");
        assertThat(MetricRegistry.payloadName("worst_spread", 0)).isEqualTo("payload.worst_spread");
    }
}
