package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.plan.AgentPlan;
import io.ktstr4j.vmm.plan.AgentPlanWriter;
import io.ktstr4j.vmm.plan.RawAgentPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Plan compilation for the CLI: a raw agent plan file (scenario {@code plan-file:PATH}, what {@code ktstr4j run
 * x.plan} produces) is checked with the agent's own parser ({@link RawPlanCheck}) and used as written; inline plans
 * and canned scenarios go to the scenario engine.
 */
public final class DefaultPlanCompiler implements PlanCompiler {

    public static final String PLAN_FILE_PREFIX = "plan-file:";

    private final PlanCompiler scenarioEngine;

    public DefaultPlanCompiler(PlanCompiler scenarioEngine) {
        this.scenarioEngine = scenarioEngine;
    }

    @Override
    public AgentPlan compile(TestSpec spec, Topology topology, Duration duration) {
        if (spec.scenario() != null && spec.scenario().startsWith(PLAN_FILE_PREFIX)) {
            Path p = Path.of(spec.scenario().substring(PLAN_FILE_PREFIX.length()));
            try {
                String text = Files.readString(p, StandardCharsets.UTF_8);
                if (!text.startsWith(AgentPlanWriter.MAGIC)) {
                    throw new IllegalArgumentException(p + ":1: an agent plan file must start with 'ktstr4j-plan <kind>'");
                }
                RawPlanCheck.check(p); // the guest's parser, on the host: a bad line fails here, before any boot
                return new RawAgentPlan(text);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read plan file " + p + ": " + e.getMessage(), e);
            }
        }
        if (scenarioEngine == null) {
            throw new IllegalStateException("spec " + spec.name() + ": the scenario engine is not available to "
                    + "compile its plan");
        }
        return scenarioEngine.compile(spec, topology, duration);
    }
}
