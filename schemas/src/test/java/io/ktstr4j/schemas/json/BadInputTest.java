package io.ktstr4j.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.SchemaException;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.report.WorkerReport;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.spec.TestSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails with "source: json.path: what was expected", never a bare Jackson trace. */
class BadInputTest {

    static final String PLAN = """
            {"schema":"ktstr4j.scenario_plan/1.0","name":"p","steps":[
              {"setup":[{"name":"a","work_type":{"kind":"bursty"}}]},
              {"ops":[{"op":"set_cpuset","cgroup":"a","cpuset":{"kind":"range","start_frac":0.0,"end_frac":0.5}}]}]}""";

    static final String EVENT = "{\"schema\":\"ktstr4j.run_event/1.0\",\"run_id\":\"r\",\"variant_key\":\"v\",\"seq\":3,"
            + "\"timestamp\":\"2026-11-25T13:00:00Z\",\"body\":{\"type\":\"vm.created\",\"backend\":\"kvm\","
            + "\"vcpus\":4,\"memory_mb\":2048,\"topology\":\"1n1l4c1t\"}}";

    private static String planError(String from, String to) {
        return error(PLAN.replace(from, to), ScenarioPlan.class, "plan.json");
    }

    private static String error(String json, Class<?> type, String source) {
        SchemaException e = org.junit.jupiter.api.Assertions.assertThrows(SchemaException.class,
                () -> Json.read(json, type, source));
        assertThat(e.getMessage()).doesNotContain("com.fasterxml", "`java.");
        return e.getMessage();
    }

    @Test
    void fractionOutOfRangeNamesFileAndPath() {
        assertThat(planError("\"start_frac\":0.0", "\"start_frac\":1.5"))
                .isEqualTo("plan.json: steps[1].ops[0].cpuset.start_frac: 1.5 is outside [0, 1]");
        assertThat(planError("\"end_frac\":0.5", "\"end_frac\":0.0"))
                .isEqualTo("plan.json: steps[1].ops[0].cpuset.end_frac: 0 must be greater than start_frac (0)");
    }

    @Test
    void unknownTypeIdsListTheKnownOnes() {
        assertThat(planError("\"range\"", "\"rnage\"")).isEqualTo("plan.json: steps[1].ops[0].cpuset: unknown type "
                + "'rnage'; expected one of [llc, numa, range, disjoint, overlap, exact]");
        assertThat(planError("\"op\":\"set_cpuset\",", "")).startsWith(
                "plan.json: steps[1].ops[0]: missing 'op' field; expected one of [add_cgroup, remove_cgroup, set_cpuset,");
    }

    @Test
    void wrongTypesAndMissingRequiredValues() {
        assertThat(planError("\"kind\":\"bursty\"", "\"kind\":\"bursty\",\"burst_ms\":\"x\""))
                .isEqualTo("plan.json: steps[0].setup[0].work_type.burst_ms: expected an integer, got 'x'");
        assertThat(planError("\"kind\":\"bursty\"", "\"kind\":\"bursty\",\"burst_ms\":0"))
                .isEqualTo("plan.json: steps[0].setup[0].work_type.burst_ms: 0 is below the minimum 1");
        assertThat(planError("\"name\":\"p\",", "")).isEqualTo("plan.json: name: is required");
        assertThat(planError("\"steps\":[", "\"steps\":{").substring(0, 20)).isEqualTo("plan.json: malformed");
        assertThat(error(EVENT.replace("\"vcpus\":4,", ""), RunEvent.class, "ev.json"))
                .isEqualTo("ev.json: body.vcpus: is required (expected an integer)");
        assertThat(error(EVENT.replace("\"vcpus\":4", "\"vcpus\":[4]"), RunEvent.class, "ev.json"))
                .isEqualTo("ev.json: body.vcpus: expected an integer, got a list");
        assertThat(error(EVENT.replace("2026-11-25T13:00:00Z", "yesterday"), RunEvent.class, "ev.json"))
                .isEqualTo("ev.json: timestamp: 'yesterday' is not an ISO 8601 instant like 2026-01-01T00:00:00Z");
    }

    @Test
    void enumsListTheirValues() {
        String bad = EVENT.replace("{\"type\":\"vm.created\",\"backend\":\"kvm\",\"vcpus\":4,\"memory_mb\":2048,"
                + "\"topology\":\"1n1l4c1t\"}", "{\"type\":\"vm.exited\",\"reason\":\"EXPLODED\",\"duration_ns\":1}");
        assertThat(error(bad, RunEvent.class, null)).isEqualTo("body.reason: 'EXPLODED' is not one of "
                + "[REBOOT, SHUTDOWN, PANIC, WATCHDOG_TIMEOUT, CANCELLED, ERROR]");
    }

    @Test
    void typosAreRejectedInCurrentVersionDocuments() {
        assertThat(planError("\"setup\"", "\"setpu\"")).isEqualTo("plan.json: steps[0].setpu: unknown field (check the spelling)");
        assertThat(planError("\"name\":\"p\"", "\"name\":\"p\",\"stpes\":[]"))
                .isEqualTo("plan.json: stpes: unknown field (not in ktstr4j.scenario_plan/1.0; check the spelling)");
    }

    @Test
    void cgroupPathsAndNamesAreChecked() {
        assertThat(planError("\"name\":\"a\"", "\"name\":\"a//b\"")).isEqualTo("plan.json: steps[0].setup[0].name: "
                + "'a//b' is not a cgroup path; expected segments of [A-Za-z0-9_.-] separated by '/', e.g. \"workers/a\"");
        assertThat(planError("\"name\":\"a\"", "\"name\":\"x/a\""))
                .isEqualTo("plan.json: steps[0].setup[0].name: 'x/a' needs its parent 'x' defined earlier");
    }

    @Test
    void specRulesNameTheField() {
        String spec = "{\"name\":\"t\",\"scenario\":\"steady\"}";
        assertThat(error(spec.replace("\"t\",", "\"t\",\"kargs\":[\"quiet\",\"console=ttyS1\"],"), TestSpec.class, "s.json"))
                .isEqualTo("s.json: kargs[1]: 'console=ttyS1' overrides a protected kernel argument (console=); "
                        + "the guest contract sets it");
        assertThat(error(spec.replace("\"t\",", "\"t\",\"topology\":\"2n3l1c1t\","), TestSpec.class, "s.json"))
                .isEqualTo("s.json: topology: llcs: 3 is not a multiple of numa_nodes (2)");
        assertThat(error(spec.replace("\"t\",", "\"t\",\"topology\":{\"numa_nodes\":2,\"llcs\":3,\"cores_per_llc\":1,"
                + "\"threads_per_core\":1},"), TestSpec.class, "s.json"))
                .isEqualTo("s.json: topology.llcs: 3 is not a multiple of numa_nodes (2)");
        assertThat(error(spec.replace(",\"scenario\":\"steady\"", ""), TestSpec.class, "s.json"))
                .isEqualTo("s.json: plan: is required (or name a canned scenario in 'scenario')");
        assertThat(error(spec.replace("\"t\",", "\"t\",\"assert\":{\"max_spread_pct\":150},"), TestSpec.class, "s.json"))
                .isEqualTo("s.json: assert.max_spread_pct: 150 is outside [0, 100]");
        assertThat(error(spec.replace("\"t\",", "\"t\",\"scheduler\":{\"kind\":\"path\"},"), TestSpec.class, "s.json"))
                .isEqualTo("s.json: scheduler.binary: is required");
        assertThat(error(spec.replace("\"t\",", "\"t\",\"flags\":[{\"name\":\"a\",\"requires\":[\"b\"]}],"), TestSpec.class, "s.json"))
                .isEqualTo("s.json: flags[0].requires: 'b' is not a declared flag");
        assertThat(error(spec.replace("\"t\",", "\"t\",\"relative_to\":{\"scheduler\":\"eevdf\",\"max_ratio\":"
                + "{\"worst_run_delay_us\":0}},"), TestSpec.class, "s.json"))
                .isEqualTo("s.json: relative_to.max_ratio.worst_run_delay_us: must be a positive ratio, got 0.0");
        assertThat(error(spec.replace("\"t\",", "\"t\",\"relative_to\":{\"scheduler\":\"eevdf\"},"),
                TestSpec.class, "s.json"))
                .isEqualTo("s.json: relative_to.min_ratio: names no metric: give min_ratio and/or max_ratio");
    }

    @Test
    void workerReportFromKtstrNeedsItsNonOptionalFields() {
        assertThat(error("{\"tid\":1}", WorkerReport.class, "wrep")).isEqualTo("wrep: work_units: is required (expected an integer)");
        assertThat(error("{\"tid\":1,\"exit_info\":{\"Exploded\":1}}".replace("{\"tid\":1,", "{\"tid\":1,\"work_units\":1,"
                + "\"cpu_time_ns\":1,\"wall_time_ns\":1,\"off_cpu_ns\":0,\"migration_count\":0,\"max_gap_ms\":0,\"max_gap_cpu\":0,"
                + "\"max_gap_at_ms\":0,\"wake_sample_total\":0,\"iterations\":0,\"schedstat_run_delay_ns\":0,"
                + "\"schedstat_run_count\":0,\"schedstat_cpu_time_ns\":0,\"vmstat_numa_pages_migrated\":0,"), WorkerReport.class, "wrep"))
                .startsWith("wrep: exit_info: {\"Exploded\":1} is not an exit info; expected \"TimedOut\", {\"Exited\": code}");
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("plan.yaml");
        Files.writeString(f, "name: p\nsteps:\n  - hold: {kind: frac, frac: 2.0}\n");
        assertThatThrownBy(() -> Json.read(f, ScenarioPlan.class)).isInstanceOf(SchemaException.class)
                .hasMessage("plan.yaml: steps[0].hold.frac: 2 is outside (0, 1]");
        assertThatThrownBy(() -> Json.read(dir.resolve("missing.json"), SidecarResult.class))
                .isInstanceOf(SchemaException.class).hasMessageContaining("missing.json: cannot read file");
        SchemaException e = org.junit.jupiter.api.Assertions.assertThrows(SchemaException.class,
                () -> Json.read(f, ScenarioPlan.class));
        assertThat(e.source()).isEqualTo("plan.yaml");
        assertThat(e.path()).isEqualTo("steps[0].hold.frac");
        assertThat(e.problem()).isEqualTo("2 is outside (0, 1]");
    }
}
