package io.ktstr4j.schemas.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.WorkerReports;
import io.ktstr4j.schemas.hoststate.ThreadState;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.report.WorkerReport;
import io.ktstr4j.schemas.sidecar.HostContext;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.spec.TestSpec;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The builders of the large records: one setter per field named as the field, {@code toBuilder()} copies every
 * field, and a field left unset takes the same value as when the JSON omits it.
 */
class BuildersTest {

    static final List<Class<? extends Record>> BUILT = List.of(TestSpec.class, SidecarResult.class, HostContext.class,
            WorkerReport.class, ThreadState.class);

    @Test
    void everyFieldHasOneSetterNamedAsTheField() throws ReflectiveOperationException {
        for (Class<? extends Record> r : BUILT) {
            Class<?> builder = r.getMethod("builder").getReturnType();
            assertThat(builder.getSimpleName()).isEqualTo("Builder");
            assertThat(builder.getEnclosingClass()).isEqualTo(r);
            for (RecordComponent c : r.getRecordComponents()) {
                Method setter = builder.getMethod(c.getName(), c.getType());
                assertThat(setter.getReturnType()).as("%s.Builder.%s", r.getSimpleName(), c.getName())
                        .isEqualTo(builder);
            }
            long setters = Arrays.stream(builder.getDeclaredMethods())
                    .filter(m -> Modifier.isPublic(m.getModifiers()) && m.getReturnType() == builder).count();
            assertThat(setters).as("%s.Builder setters", r.getSimpleName()).isEqualTo(r.getRecordComponents().length);
            assertThat(builder.getMethod("build").getReturnType()).isEqualTo(r);
        }
    }

    @Test
    void toBuilderCopiesEveryFieldOfTheGoldens() {
        for (String f : List.of("test_spec.json", "test_spec_plan.json")) {
            TestSpec s = Json.read(Golden.GOLDEN.resolve(f), TestSpec.class);
            assertThat(s.toBuilder().build()).as(f).isEqualTo(s);
        }
        SidecarResult sidecar = Json.read(Golden.GOLDEN.resolve("ktstr_sidecar.ktstr.json"), SidecarResult.class);
        assertThat(sidecar.toBuilder().build()).isEqualTo(sidecar);
        assertThat(sidecar.host().cpuModel()).isNotNull();
        assertThat(sidecar.host().toBuilder().build()).isEqualTo(sidecar.host());

        HostStateSnapshot h = Json.read(Golden.GOLDEN.resolve("host_state.ktstr.json"), HostStateSnapshot.class);
        assertThat(h.threads()).isNotEmpty();
        for (ThreadState t : h.threads())
            assertThat(t.toBuilder().build()).isEqualTo(t);

        List<WorkerReport> reports = Golden.text(Golden.GOLDEN.resolve("run_events.jsonl")).lines()
                .map(l -> Json.read(l, RunEvent.class).body())
                .filter(WorkerReports.class::isInstance)
                .flatMap(b -> ((WorkerReports) b).reports().stream()).toList();
        assertThat(reports).isNotEmpty();
        for (WorkerReport w : reports)
            assertThat(w.toBuilder().build()).isEqualTo(w);
    }

    @Test
    void unsetFieldsTakeTheDefaultsOfOmittedJson() {
        assertThat(TestSpec.builder().name("t").scenario("steady").build())
                .isEqualTo(Json.read("{\"name\":\"t\",\"scenario\":\"steady\"}", TestSpec.class))
                .isEqualTo(TestSpec.of("t", "steady"));
        assertThat(WorkerReport.builder().build()).isEqualTo(withOnlyPrimitives(WorkerReport.builder().build()));
        assertThat(ThreadState.builder().build()).isEqualTo(withOnlyPrimitives(ThreadState.builder().build()));

        assertThat(HostContext.builder().build()).isEqualTo(Json.read("{}", HostContext.class));

        SidecarResult built = SidecarResult.builder().testName("t").topology("1n1l2c1t").scheduler("eevdf")
                .stats(ScenarioStats.empty()).workType("CpuSpin").timestamp("2026-01-01T00:00:00Z").runId("r1")
                .build();
        assertThat(built).isEqualTo(Json.read(Json.write(built), SidecarResult.class));
        assertThat(Json.toTree(built).has("outcome")).as("ktstr4j additions left unset are omitted").isFalse();
    }

    /**
     * The record read back from JSON that keeps only its primitive fields (JSON requires those), each checked to be
     * 0 or false: every other field is omitted, so it takes the record's default for a missing field.
     */
    static <R extends Record> R withOnlyPrimitives(R built) {
        ObjectNode tree = (ObjectNode) Json.toTree(built);
        List<String> primitives = Arrays.stream(built.getClass().getRecordComponents())
                .filter(c -> c.getType().isPrimitive())
                .map(c -> c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT)).toList();
        tree.retain(primitives);
        assertThat(tree.size()).isEqualTo(primitives.size());
        tree.forEach(v -> assertThat(v.asText()).isIn("0", "false"));
        @SuppressWarnings("unchecked")
        Class<R> type = (Class<R>) built.getClass();
        return Json.convert(tree, type, "primitives only");
    }
}
