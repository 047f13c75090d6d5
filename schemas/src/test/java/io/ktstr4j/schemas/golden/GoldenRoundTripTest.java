package io.ktstr4j.schemas.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.WorkerReports;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.plan.AffinityKind;
import io.ktstr4j.schemas.plan.CpusetSpec;
import io.ktstr4j.schemas.plan.HoldSpec;
import io.ktstr4j.schemas.plan.MemPolicy;
import io.ktstr4j.schemas.plan.Op;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.plan.SchedPolicy;
import io.ktstr4j.schemas.plan.WorkType;
import io.ktstr4j.schemas.report.AssertResult;
import io.ktstr4j.schemas.report.ExitInfo;
import io.ktstr4j.schemas.report.Polarity;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.spec.SchedulerSpec;
import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every record family round-trips through golden files. Canonical files (our formats) must be reproduced
 * byte-for-byte; ktstr's own files (no "schema" field) must come back as the same JSON plus our "schema" field.
 * Inputs under {@code inputs/} are compact hand-written forms whose defaults must expand to the canonical golden.
 */
class GoldenRoundTripTest {

    /** input file → canonical golden file and root type. */
    record Case(String input, String golden, Class<?> type) {}

    static final List<Case> CANONICAL = List.of(
            new Case("scenario_plan.input.json", "scenario_plan.json", ScenarioPlan.class),
            new Case("test_spec.input.json", "test_spec.json", TestSpec.class),
            new Case("test_spec_plan.input.yaml", "test_spec_plan.json", TestSpec.class));

    @BeforeAll
    static void regenerateIfAsked() throws IOException {
        if (!Boolean.getBoolean("ktstr.regenerateGolden")) return;
        for (Case c : CANONICAL)
            Files.writeString(Golden.GOLDEN.resolve(c.golden()), Json.writePretty(Json.read(Golden.INPUTS.resolve(c.input()), c.type())));
        StringBuilder events = new StringBuilder();
        for (String line : Golden.text(Golden.INPUTS.resolve("run_events.input.jsonl")).split("\n"))
            if (!line.isBlank()) events.append(Json.write(Json.read(line, RunEvent.class))).append('\n');
        Files.writeString(Golden.GOLDEN.resolve("run_events.jsonl"), events.toString());
    }

    @Test
    void canonicalGoldensAreReproducedExactly() {
        for (Case c : CANONICAL) {
            Path golden = Golden.GOLDEN.resolve(c.golden());
            Object fromGolden = Json.read(golden, c.type());
            assertThat(Json.writePretty(fromGolden)).as("%s written back (regenerate: %s)", golden, Golden.REGENERATE)
                    .isEqualTo(Golden.text(golden));
            assertThat(Json.read(Json.write(fromGolden), c.type())).as("%s re-read", golden).isEqualTo(fromGolden);
        }
    }

    @Test
    void compactInputsExpandToTheCanonicalGoldenWithDefaults() {
        for (Case c : CANONICAL)
            assertThat(Json.read(Golden.INPUTS.resolve(c.input()), c.type()))
                    .as("%s with defaults applied equals %s", c.input(), c.golden())
                    .isEqualTo(Json.read(Golden.GOLDEN.resolve(c.golden()), c.type()));
    }

    @Test
    void runEventsRoundTripLineByLine() {
        List<String> lines = Golden.text(Golden.GOLDEN.resolve("run_events.jsonl")).lines().toList();
        List<String> inputs = Golden.text(Golden.INPUTS.resolve("run_events.input.jsonl")).lines().toList();
        assertThat(lines).hasSameSizeAs(inputs);
        for (int i = 0; i < lines.size(); i++) {
            RunEvent e = Json.read(lines.get(i), RunEvent.class, "run_events.jsonl:" + (i + 1));
            assertThat(Json.write(e)).as("line %d", i + 1).isEqualTo(lines.get(i));
            assertThat(e.seq()).isEqualTo(i);
            assertThat(Golden.sameJson(Json.readTree(inputs.get(i), "input"), Json.readTree(lines.get(i), "golden")))
                    .as("input line %d is already canonical JSON", i + 1).isTrue();
        }
    }

    @Test
    void runEventsCoverEveryEventType() {
        Set<String> seen = Golden.text(Golden.GOLDEN.resolve("run_events.jsonl")).lines()
                .map(l -> Json.read(l, RunEvent.class).body().typeName()).collect(Collectors.toSet());
        assertThat(seen).containsExactlyInAnyOrderElementsOf(EventBody.typeNames().keySet());
        assertThat(EventBody.typeNames()).hasSize(30);
    }

    @Test
    void planGoldenCoversEveryOpCpusetWorkTypeAndPolicy() {
        String plan = Golden.text(Golden.GOLDEN.resolve("scenario_plan.json"));
        JsonNode tree = Json.readTree(plan, "scenario_plan.json");
        Set<String> ops = values(tree, "op");
        Set<String> kinds = values(tree, "kind");
        assertThat(ops).containsAll(names(Op.class));
        assertThat(kinds).containsAll(names(CpusetSpec.class)).containsAll(names(WorkType.class))
                .containsAll(names(SchedPolicy.class)).containsAll(names(AffinityKind.class))
                .containsAll(names(MemPolicy.class)).containsAll(names(HoldSpec.class));
        assertThat(plan).contains("\"static_nodes\"", "\"relative_nodes\"", "\"numa_balancing\"");
        assertThat(names(Op.class)).hasSize(13);
        assertThat(names(CpusetSpec.class)).hasSize(6);
        assertThat(names(WorkType.class)).hasSize(19);
    }

    @Test
    void ktstrSidecarReadsAndWritesBackUnchanged() {
        Path file = Golden.GOLDEN.resolve("ktstr_sidecar.ktstr.json");
        SidecarResult s = Json.read(file, SidecarResult.class);
        assertThat(s.testName()).isEqualTo("sched_basic_steady");
        assertThat(s.outcome()).isNull();
        assertThat(s.effectiveOutcome()).isEqualTo(Outcome.PASS);
        assertThat(s.metrics().get(0).metrics().get(2).polarity()).isEqualTo(Polarity.target(75.0));
        assertThat(s.host().cpufreqGovernor()).containsEntry(0, "performance");
        assertThat(s.monitor().eventDeltas().keepLastRate()).isEqualTo(15.5);
        assertThat(s.stats().cgroups().get(1).extMetrics()).isEmpty();
        assertThat(s.extra()).isEmpty();

        JsonNode written = Json.toTree(s);
        assertThat(written.path("schema").asText()).isEqualTo("ktstr4j.sidecar/1.3");
        assertThat(written.fieldNames().next()).isEqualTo("schema");
        assertThat(Golden.sameJson(Golden.withoutSchema(written), Golden.tree(file)))
                .as("written back:\n%s", Json.writePretty(s)).isTrue();
        assertThat(Json.read(Json.write(s), SidecarResult.class)).isEqualTo(s);
    }

    @Test
    void ktstrAssertResultAndHostStateRoundTrip() {
        Path ar = Golden.GOLDEN.resolve("assert_result.ktstr.json");
        AssertResult a = Json.read(ar, AssertResult.class);
        assertThat(a.details()).extracting(d -> d.kind()).containsExactly(DetailKind.STUCK, DetailKind.UNFAIR, DetailKind.MONITOR);
        assertThat(Golden.sameJson(Json.toTree(a), Golden.tree(ar))).isTrue();

        Path hs = Golden.GOLDEN.resolve("host_state.ktstr.json");
        HostStateSnapshot h = Json.read(hs, HostStateSnapshot.class);
        assertThat(h.threads().get(0).comm()).isEqualTo("lavd-stats");
        assertThat(Golden.sameJson(Golden.withoutSchema(Json.toTree(h)), Golden.tree(hs))).isTrue();
        assertThat(Json.read(Json.write(h), HostStateSnapshot.class)).isEqualTo(h);
    }

    @Test
    void workerReportsKeepKtstrEncodings() {
        RunEvent e = Json.read(Golden.text(Golden.GOLDEN.resolve("run_events.jsonl")).lines()
                .filter(l -> l.contains("guest.worker_reports")).findFirst().orElseThrow(), RunEvent.class);
        WorkerReports w = (WorkerReports) e.body();
        assertThat(w.reports().get(0).exitInfo()).isEqualTo(new ExitInfo.Exited(0));
        assertThat(w.reports().get(0).numaPages()).containsEntry(0, 512L);
        assertThat(w.reports().get(1).exitInfo()).isEqualTo(new ExitInfo.TimedOut());
        JsonNode second = Json.toTree(w).path("reports").get(1);
        assertThat(second.has("numa_pages")).as("empty numa_pages omitted as ktstr does").isFalse();
        assertThat(second.path("exit_info").asText()).isEqualTo("TimedOut");
    }

    @Test
    void yamlSpecReadsTheSameAsJson() {
        TestSpec yaml = Json.read(Golden.INPUTS.resolve("test_spec_plan.input.yaml"), TestSpec.class);
        assertThat(yaml.scheduler()).isInstanceOf(SchedulerSpec.KernelBuiltin.class);
        assertThat(yaml.topology().label()).isEqualTo("2n2l2c2t");
        assertThat(yaml.topology().nodeMemoryMb(0, 2048)).isEqualTo(512);
        assertThat(yaml.topology().distance(0, 1)).isEqualTo(21);
        assertThat(yaml.durationMs()).isEqualTo(2000);
        assertThat(yaml.plan().steps().get(0).setup()).hasSize(2);
    }

    private static Set<String> names(Class<?> sealed) {
        Set<String> s = new LinkedHashSet<>();
        for (JsonSubTypes.Type t : sealed.getAnnotation(JsonSubTypes.class).value()) s.add(t.name());
        return s;
    }

    private static Set<String> values(JsonNode tree, String field) {
        List<JsonNode> found = new ArrayList<>(tree.findValues(field));
        return found.stream().filter(JsonNode::isTextual).map(JsonNode::asText).collect(Collectors.toSet());
    }

    @SuppressWarnings("unused")
    private static Stream<Path> goldenFiles() throws IOException {
        return Files.list(Golden.GOLDEN);
    }
}
