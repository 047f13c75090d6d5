package io.ktstr4j.pipeline.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.plan.OpKind;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.topology.TopologyPresets;
import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScenarioLibraryTest {

    static List<String> names() {
        return ScenarioLibrary.names();
    }

    @Test
    void shipsKtstrsCannedScenarios() {
        assertThat(ScenarioLibrary.names()).contains("steady", "steady_llc", "oversubscribed", "cpuset_apply",
                "cpuset_clear", "cpuset_resize", "cgroup_add", "cgroup_remove", "affinity_change", "affinity_pinned",
                "host_contention", "mixed_workloads", "nested_steady", "nested_task_move");
        assertThat(ScenarioLibrary.names()).hasSizeGreaterThanOrEqualTo(18);
    }

    @Test
    void catalogListsEveryPlanFileAndNothingElse() throws URISyntaxException {
        URL dir = getClass().getClassLoader().getResource(ScenarioLibrary.DIR);
        assertThat(dir).isNotNull();
        String[] files = new File(dir.toURI()).list((d, n) -> n.endsWith(".json"));
        assertThat(Arrays.stream(files).map(f -> f.substring(0, f.length() - 5)).sorted().toList())
                .isEqualTo(ScenarioLibrary.names().stream().sorted().toList());
    }

    @ParameterizedTest
    @MethodSource("names")
    void loadsValidatesAndCompilesOnTinyAndNuma(String name) {
        ScenarioPlan plan = ScenarioLibrary.load(name);
        assertThat(plan.name()).isEqualTo(name);
        assertThat(plan.description()).isNotBlank();
        for (String preset : List.of("tiny-2llc", "numa2-4llc")) {
            var topo = TopologyPresets.get(preset);
            assertThat(ScenarioLibrary.entry(name).orElseThrow().unmetBy(topo)).isEmpty();
            String text = new AgentPlanCompiler().compile(new PlanValidator(topo).validate(plan)).text();
            assertThat(text).startsWith("ktstr4j-plan v1\nname " + name + "\n").endsWith("end\n");
            assertThat(text.lines().filter(l -> l.startsWith("step ")).count()).isEqualTo(plan.steps().size());
        }
    }

    @Test
    void theLibraryExercisesMostOpKinds() {
        Set<OpKind> used = EnumSet.noneOf(OpKind.class);
        for (String n : ScenarioLibrary.names())
            ScenarioLibrary.load(n).steps().forEach(s -> s.ops().forEach(o -> used.add(o.kind())));
        assertThat(used).contains(OpKind.ADD_CGROUP, OpKind.SET_CPUSET, OpKind.CLEAR_CPUSET, OpKind.SWAP_CPUSETS,
                OpKind.SPAWN, OpKind.SET_AFFINITY, OpKind.SPAWN_HOST, OpKind.MOVE_ALL_TASKS);
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        assertThatThrownBy(() -> ScenarioLibrary.load("stedy")).hasMessageStartingWith("no canned scenario 'stedy'; known: steady, ");
    }

    @Test
    void requirementsSkipSmallTopologies() {
        assertThat(ScenarioLibrary.entry("steady_llc").orElseThrow().unmetBy(TopologyPresets.get("tiny-1llc")))
                .contains("steady_llc needs >= 2 LLCs, 1n1l4c1t has 1");
        assertThat(ScenarioLibrary.namesFor(TopologyPresets.get("tiny-1llc"))).doesNotContain("steady_llc")
                .contains("steady");
    }
}
