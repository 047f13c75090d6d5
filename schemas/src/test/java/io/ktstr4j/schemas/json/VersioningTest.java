package io.ktstr4j.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.schemas.SchemaException;
import io.ktstr4j.schemas.SchemaIds;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.spec.TestSpec;
import java.util.List;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersioningTest {
    static final String SPEC = "{\"schema\":\"ktstr4j.test_spec/1.0\",\"name\":\"t\",\"scenario\":\"steady\"}";

    @Test
    void everyDocumentWritesItsSchemaFirst() {
        RunEvent e = new RunEvent("r", "v", 0, Instant.EPOCH, new ScenarioStart());
        JsonNode n = Json.toTree(e);
        assertThat(n.fieldNames().next()).isEqualTo("schema");
        assertThat(n.get("schema").asText()).isEqualTo("ktstr4j.run_event/1.3").isEqualTo(SchemaIds.of(RunEvent.class));
        assertThat(Json.toTree(TestSpec.of("t", "steady")).get("schema").asText()).isEqualTo("ktstr4j.test_spec/1.1");
        // The plain shared mapper (e.g. in a Kafka serde) writes it too.
        assertThat(Json.mapper().valueToTree(e).get("schema").asText()).isEqualTo("ktstr4j.run_event/1.3");
    }

    @Test
    void newerMinorVersionKeepsUnknownTopLevelFieldsAndWritesThemBack() {
        String newer = SPEC.replace("1.0", "1.4").replace("\"name\":\"t\"",
                "\"name\":\"t\",\"retries\":3,\"labels\":{\"team\":\"sched\"}");
        TestSpec s = Json.read(newer, TestSpec.class, "spec.json");
        assertThat(s.extra()).containsEntry("retries", 3).containsEntry("labels", Map.of("team", "sched"));
        JsonNode out = Json.toTree(s);
        assertThat(out.get("retries").asInt()).isEqualTo(3);
        assertThat(out.get("labels").get("team").asText()).isEqualTo("sched");
        assertThat(out.get("schema").asText()).as("we write our own version").isEqualTo("ktstr4j.test_spec/1.1");
    }

    @Test
    void newerMinorVersionToleratesUnknownNestedFields() {
        String newer = SPEC.replace("1.0", "1.2").replace("\"name\":\"t\"",
                "\"name\":\"t\",\"constraints\":{\"max_llcs\":4,\"min_l3_mb\":32}");
        TestSpec s = Json.read(newer, TestSpec.class, "spec.json");
        assertThat(s.constraints().maxLlcs()).isEqualTo(4);
        assertThatThrownBy(() -> Json.read(newer.replace("1.2", "1.1"), TestSpec.class, "spec.json"))
                .isInstanceOf(SchemaException.class)
                .hasMessage("spec.json: constraints.min_l3_mb: unknown field (check the spelling)");
    }

    @Test
    void newerMajorVersionIsRejected() {
        assertThatThrownBy(() -> Json.read(SPEC.replace("1.0", "2.0"), TestSpec.class, "spec.json"))
                .isInstanceOf(SchemaException.class)
                .hasMessage("spec.json: schema: version 2.0 is newer than this reader supports (1.x, current "
                        + "ktstr4j.test_spec/1.1); upgrade ktstr4j to read it");
    }

    @Test
    void wrongDocumentTypeOrMalformedIdIsRejected() {
        assertThatThrownBy(() -> Json.read(SPEC.replace("ktstr4j.test_spec", "ktstr4j.scenario_plan"), TestSpec.class, "x.json"))
                .hasMessage("x.json: schema: 'ktstr4j.scenario_plan/1.0' is a different document type; expected "
                        + "\"ktstr4j.test_spec/1.1\"");
        assertThatThrownBy(() -> Json.read(SPEC.replace("ktstr4j.test_spec/1.0", "v1"), TestSpec.class, "x.json"))
                .hasMessage("x.json: schema: \"v1\" is not a schema id; expected \"ktstr4j.test_spec/1.1\"");
        assertThatThrownBy(() -> Json.read(SPEC.replace("\"ktstr4j.test_spec/1.0\"", "7"), TestSpec.class, "x.json"))
                .hasMessage("x.json: schema: 7 is not a schema id; expected \"ktstr4j.test_spec/1.1\"");
    }

    @Test
    void documentsWithoutSchemaReadAsCurrentVersion() {
        TestSpec s = Json.read(SPEC.replace("\"schema\":\"ktstr4j.test_spec/1.0\",", ""), TestSpec.class, "s.json");
        assertThat(s.name()).isEqualTo("t");
        assertThatThrownBy(() -> Json.read("{\"name\":\"p\",\"steps\":[{}],\"stpes\":1}", ScenarioPlan.class, "p.json"))
                .hasMessage("p.json: stpes: unknown field (not in ktstr4j.scenario_plan/1.0; check the spelling)");
    }

    @Test
    void ktstrSidecarWithoutSchemaToleratesFieldsFromNewerKtstr() {
        String ktstr = Golden().replace("\"run_source\": \"ci\"", "\"run_source\": \"ci\", \"ktstr_new_field\": [1]")
                .replace("\"total_workers\": 8,", "\"total_workers\": 8, \"new_nested\": true,");
        SidecarResult s = Json.read(ktstr, SidecarResult.class, "x.ktstr.json");
        assertThat(s.extra()).containsKey("ktstr_new_field");
        assertThat(Json.toTree(s).has("ktstr_new_field")).isTrue();
    }

    @Test
    void sidecarMinorThreeAddsTheExecutionAndStillReadsOneTwo() {
        SidecarResult base = Json.read(Golden(), SidecarResult.class, "x.ktstr.json");
        SidecarResult v13 = base.toBuilder().execution(new io.ktstr4j.schemas.sidecar.RunExecution(2, 3, 2,
                List.of("attempt 1: the guest never reached init"), 1, 4.0, 8)).build();
        JsonNode tree = Json.toTree(v13);
        assertThat(tree.get("execution").get("trial").asInt()).isEqualTo(2);
        assertThat(tree.get("execution").get("retried_after").get(0).asText()).startsWith("attempt 1: ");
        assertThat(tree.get("execution").get("concurrent_vcpus").asInt()).isEqualTo(8);
        assertThat(tree.get("execution").has("overcommitted")).as("derived, not written").isFalse();
        assertThat(Json.read(Json.write(v13), SidecarResult.class)).isEqualTo(v13);
        assertThat(v13.execution().overcommitted()).isTrue();
        String v12 = Json.write(base).replace("ktstr4j.sidecar/1.3", "ktstr4j.sidecar/1.2");
        assertThat(Json.read(v12, SidecarResult.class, "old.ktstr.json").execution()).isNull();
        assertThatThrownBy(() -> Json.read(Json.write(v13).replace("\"trial\":2", "\"trial\":0"),
                SidecarResult.class, "bad.ktstr.json")).hasMessageContaining("trial");
    }

    @Test
    void sidecarMinorTwoAddsHostStateRefsAndStillReadsOneOne() {
        SidecarResult base = Json.read(Golden(), SidecarResult.class, "x.ktstr.json");
        SidecarResult v12 = base.toBuilder().hostState(new io.ktstr4j.schemas.hoststate.HostStateRefs(
                "run:r1:before", "run:r1:after")).build();
        JsonNode tree = Json.toTree(v12);
        assertThat(tree.get("host_state").get("before").asText()).isEqualTo("run:r1:before");
        assertThat(Json.read(Json.write(v12), SidecarResult.class)).isEqualTo(v12);
        String v11 = Json.write(base).replace("ktstr4j.sidecar/1.3", "ktstr4j.sidecar/1.1");
        assertThat(Json.read(v11, SidecarResult.class, "old.ktstr.json").hostState()).isNull();
    }

    @Test
    void sidecarMinorOneAddsVariantHashOvercommitAndTcgAndStillReadsOneZero() {
        SidecarResult base = Json.read(Golden(), SidecarResult.class, "x.ktstr.json");
        SidecarResult v11 = base.toBuilder().variantHash("bc0f38005915a09f").cpuOvercommit(1.5).tcg(true).build();
        JsonNode tree = Json.toTree(v11);
        assertThat(tree.get("schema").asText()).isEqualTo("ktstr4j.sidecar/1.3");
        assertThat(tree.get("variant_hash").asText()).isEqualTo("bc0f38005915a09f");
        assertThat(tree.get("cpu_overcommit").asDouble()).isEqualTo(1.5);
        assertThat(tree.get("tcg").asBoolean()).isTrue();
        assertThat(Json.read(Json.write(v11), SidecarResult.class)).isEqualTo(v11);

        // What ktstr4j wrote before the bump: a 1.0 document without the new fields, read strictly.
        String v10 = Json.write(base).replace("ktstr4j.sidecar/1.3", "ktstr4j.sidecar/1.0");
        SidecarResult old = Json.read(v10, SidecarResult.class, "old.ktstr.json");
        assertThat(old.variantHash()).isNull();
        assertThat(old.cpuOvercommit()).isNull();
        assertThat(old.tcg()).isNull();
        assertThat(old.extra()).isEmpty();
        assertThat(Json.toTree(old).has("variant_hash")).as("absent fields stay absent").isFalse();
    }

    @Test
    void sidecarRefusesAMalformedVariantHashOrOvercommit() {
        String doc = Json.write(Json.read(Golden(), SidecarResult.class));
        assertThatThrownBy(() -> Json.read(doc.replace("\"run_id\"", "\"variant_hash\":\"BC0F\",\"run_id\""),
                SidecarResult.class, "s.json"))
                .isInstanceOf(SchemaException.class)
                .hasMessage("s.json: variant_hash: 'BC0F' is not 16 lowercase hex digits");
        assertThatThrownBy(() -> Json.read(doc.replace("\"run_id\"", "\"cpu_overcommit\":0,\"run_id\""),
                SidecarResult.class, "s.json"))
                .isInstanceOf(SchemaException.class)
                .hasMessage("s.json: cpu_overcommit: 0 must be > 0");
    }

    private static String Golden() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("src/test/resources/golden/ktstr_sidecar.ktstr.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
