package io.ktstr4j.pipeline;

import io.ktstr4j.pipeline.scenario.AgentPlanCompiler;
import io.ktstr4j.pipeline.scenario.PlanDefaults;
import io.ktstr4j.pipeline.scenario.PlanValidator;
import io.ktstr4j.pipeline.scenario.ScenarioLibrary;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.vmm.plan.AgentPlan;
import java.util.List;
import java.util.Optional;

/** The bridge to the scenario engine (package io.ktstr4j.pipeline.scenario): its canned library and plan compiler. */
public final class ScenarioEngine {

    private ScenarioEngine() {
    }

    public static ScenarioCatalog catalog() {
        return new ScenarioCatalog() {
            @Override
            public List<String> names() {
                return ScenarioLibrary.names();
            }

            @Override
            public String describe(String name) {
                try {
                    String d = ScenarioLibrary.load(name).description();
                    return d == null ? "" : d;
                } catch (RuntimeException e) {
                    return "";
                }
            }
        };
    }

    /**
     * Inline plan or canned scenario → validated for the topology → the agent's scenario. The test's duration (the spec's or
     * {@code --duration}) replaces the plan's own. A canned scenario the topology cannot hold is a SKIP.
     */
    public static PlanCompiler compiler() {
        return (spec, topology, duration) -> {
            ScenarioPlan plan;
            if (spec.plan() != null) {
                plan = spec.plan();
            } else {
                Optional<String> unmet = ScenarioLibrary.entry(spec.scenario()).flatMap(e -> e.unmetBy(topology));
                if (unmet.isPresent()) {
                    throw new VariantSkip(unmet.get());
                }
                plan = ScenarioLibrary.load(spec.scenario());
            }
            plan = new ScenarioPlan(plan.name(), plan.description(), duration.toMillis(), plan.backdrop(),
                    plan.steps(), plan.extra());
            PlanValidator validator = new PlanValidator(topology,
                    new PlanDefaults(duration.toMillis(), spec.workersPerCgroup()));
            return new AgentPlanCompiler().compile(validator.validate(plan));
        };
    }

    /** For callers that hold a spec already (tests): compile it for one topology. */
    static AgentPlan compile(TestSpec spec, io.ktstr4j.schemas.topology.Topology t, java.time.Duration d) {
        return compiler().compile(spec, t, d);
    }
}
