package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.schemas.plan.CgroupDef;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.plan.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fluent {@link ScenarioPlan}:
 * <pre>{@code
 * ScenarioPlan p = scenario("cpuset_apply")
 *     .backdrop(cgroup("cg_0"), cgroup("cg_1"))
 *     .step(step().holdFrac(0.5))
 *     .step(step().setCpuset("cg_0", Cpusets.disjoint(0, 2)).setCpuset("cg_1", Cpusets.disjoint(1, 2)).holdFrac(0.5))
 *     .build();
 * }</pre>
 * The record constructors check each field; {@link PlanValidator} checks the plan against a topology.
 */
public final class ScenarioBuilder {
    private final String name;
    private String description;
    private Long durationMs;
    private final List<CgroupDef> backdrop = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();

    private ScenarioBuilder(String name) {
        this.name = name;
    }

    public static ScenarioBuilder scenario(String name) {
        return new ScenarioBuilder(name);
    }

    public ScenarioBuilder description(String text) {
        this.description = text;
        return this;
    }

    /** Total scenario time; unset = the test's duration. */
    public ScenarioBuilder duration(Duration d) {
        this.durationMs = d.toMillis();
        return this;
    }

    public ScenarioBuilder backdrop(CgroupBuilder... defs) {
        for (CgroupBuilder d : defs) backdrop.add(d.build());
        return this;
    }

    public ScenarioBuilder backdrop(CgroupDef... defs) {
        backdrop.addAll(List.of(defs));
        return this;
    }

    public ScenarioBuilder step(StepBuilder step) {
        steps.add(step.build());
        return this;
    }

    public ScenarioBuilder step(Step step) {
        steps.add(step);
        return this;
    }

    public ScenarioPlan build() {
        return new ScenarioPlan(name, description, durationMs, backdrop, steps);
    }
}
