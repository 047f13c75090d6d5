package io.ktstr4j.vmm.plan;

/**
 * What the guest agent runs as {@code /plan}: a typed scenario ({@code ktstr4j-plan v1}) or a plan file booted as
 * written (e.g. a {@code ktstr4j-plan trivial} test plan). The text format is in docs/scenarios.md.
 */
public sealed interface AgentPlan permits AgentScenario, RawAgentPlan {

    /** The file content the agent reads. */
    String text();
}
