package io.ktstr4j.vmm.plan;

/**
 * A plan file passed to the agent as written ({@code ktstr4j run x.plan}). The host does not read it: nothing is
 * judged from its content.
 */
public record RawAgentPlan(String text) implements AgentPlan {
    public RawAgentPlan {
        if (text == null || !text.startsWith(AgentPlanWriter.MAGIC)) {
            throw new IllegalArgumentException("an agent plan must start with '" + AgentPlanWriter.MAGIC + "<kind>'");
        }
    }
}
