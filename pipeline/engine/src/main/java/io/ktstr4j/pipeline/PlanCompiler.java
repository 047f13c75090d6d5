package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.plan.AgentPlan;
import java.time.Duration;

/**
 * Turns a spec's scenario (inline plan or canned scenario name) into the agent's plan for one topology
 * (cpusets resolved against it). The scenario engine supplies the real implementation.
 */
@FunctionalInterface
public interface PlanCompiler {
    AgentPlan compile(TestSpec spec, Topology topology, Duration duration);
}
