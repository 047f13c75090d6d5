package io.ktstr4j.hoststate.compare;

import static io.ktstr4j.hoststate.Fixtures.MINUTE_NS;
import static io.ktstr4j.hoststate.Fixtures.T0;
import static io.ktstr4j.hoststate.Fixtures.capture;
import static io.ktstr4j.hoststate.Fixtures.thread;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.hoststate.Fixtures;
import io.ktstr4j.hoststate.Fixtures.CapturePair;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.HostCgroupStats;
import io.ktstr4j.schemas.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonJsonTest {

    @Test
    void theJsonFormReadsBackEqual() {
        CapturePair p = Fixtures.burner();
        ComparisonJson json = ComparisonJson.of(
                CaptureComparison.compare(p.baseline(), p.candidate(), CompareOptions.DEFAULTS));

        assertThat(Json.read(json.write(), ComparisonJson.class)).isEqualTo(json);
    }

    @Test
    void fieldsAreSnakeCaseAndAMissingValueIsNull() {
        HostStateSnapshot before = capture(T0, List.of(thread(1, "app").cgroup("/a").runTimeNs(5).build()),
                Map.of("/a", new HostCgroupStats(1, 2, 3, 4)));
        HostStateSnapshot after = capture(T0 + MINUTE_NS,
                List.of(thread(1, "app").cgroup("/a").missing(List.of("run_time_ns")).build()),
                Map.of("/a", new HostCgroupStats(0, 2, 3, 4, List.of("cpu_usage_usec"))));
        ComparisonJson json = ComparisonJson.of(CaptureComparison.compare(before, after,
                CompareOptions.DEFAULTS.withGroupBy(GroupBy.CGROUP).withCgroupFlatten(List.of("/a*"))));
        JsonNode tree = Json.readTree(json.write(), "test");

        assertThat(tree.get("group_by").asText()).isEqualTo("cgroup");
        assertThat(tree.get("cgroup_flatten").get(0).asText()).isEqualTo("/a*");
        assertThat(tree.get("interval_ns").asLong()).isEqualTo(MINUTE_NS);
        JsonNode run = null;
        for (JsonNode r : tree.get("rows")) {
            if (r.get("metric").asText().equals("run_time_ns")) {
                run = r;
            }
        }
        assertThat(run.get("baseline").asDouble()).isEqualTo(5.0);
        assertThat(run.get("candidate").isNull()).isTrue();
        assertThat(run.get("delta").isNull()).isTrue();
        assertThat(run.get("unread").asInt()).isEqualTo(1);
        JsonNode cpu = tree.get("cgroups").get(0).get("cpu_usage_usec");
        assertThat(cpu.get("baseline").asLong()).isEqualTo(1);
        assertThat(cpu.get("candidate").isNull()).isTrue();
        assertThat(cpu.get("candidate_unread").asInt()).isEqualTo(1);
        assertThat(tree.get("settings").get(0).get("same").asBoolean()).isTrue();

        assertThat(Json.read(json.write(), ComparisonJson.class)).isEqualTo(json);
    }
}
