package io.ktstr4j.vmm.plan;

import io.ktstr4j.schemas.plan.HoldSpec;
import io.ktstr4j.schemas.plan.MemPolicy;
import io.ktstr4j.schemas.plan.MpolFlag;
import io.ktstr4j.schemas.plan.SchedPolicy;
import io.ktstr4j.schemas.plan.WorkType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The agent's scenario, {@code ktstr4j-plan v1}, fully resolved on the host: CPU lists instead of cpuset specs,
 * placements instead of affinity kinds, every worker count given, so the guest needs no topology and no defaults.
 * {@link AgentPlanWriter} writes it; the agent's {@code sc_plan.c} reads it.
 *
 * @param backdrop cgroups that live for the whole scenario
 * @param steps    in order; each one's setup cgroups are created before its ops run
 */
public record AgentScenario(String name, long durationMs, List<Integer> cpus, int workersDefault, long watchdogMs,
                            long stopDeadlineMs, List<Cgroup> backdrop, List<Step> steps) implements AgentPlan {

    public AgentScenario {
        Objects.requireNonNull(name, "name");
        if (watchdogMs < 0) throw new IllegalArgumentException("watchdog_ms " + watchdogMs + " is negative");
        if (stopDeadlineMs < 1) throw new IllegalArgumentException("stop_deadline_ms " + stopDeadlineMs + " must be >= 1");
        cpus = List.copyOf(cpus);
        backdrop = List.copyOf(backdrop);
        steps = List.copyOf(steps);
    }

    @Override
    public String text() {
        return AgentPlanWriter.write(this);
    }

    /** A cgroup with workers: a backdrop or step-setup {@code cgroup} line. {@code cpus} is null without a cpuset. */
    public record Cgroup(String name, List<Integer> cpus, Work work) {
        public Cgroup {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(work, "work");
            cpus = cpus == null ? null : List.copyOf(cpus);
        }
    }

    /** One step: how long it holds, the cgroups it sets up, then its ops. */
    public record Step(int index, HoldSpec hold, List<Cgroup> setup, List<AgentOp> ops) {
        public Step {
            Objects.requireNonNull(hold, "hold");
            setup = List.copyOf(setup);
            ops = List.copyOf(ops);
        }
    }

    /** Workers as the agent starts them: count, work type (defaults applied), policy, placement, memory policy. */
    public record Work(int workers, WorkType type, SchedPolicy policy, Placement affinity, MemPolicy memPolicy,
                       List<MpolFlag> mpolFlags) {
        public Work {
            Objects.requireNonNull(type, "type");
            affinity = affinity == null ? Placement.INHERIT : affinity;
            mpolFlags = mpolFlags == null ? List.of() : List.copyOf(mpolFlags);
        }
    }

    /** Where a worker may run: its cgroup's CPUs, a fixed set, or {@code count} CPUs drawn from {@code cpus}. */
    public record Placement(Mode mode, List<Integer> cpus, int count) {
        public enum Mode { INHERIT, FIXED, RANDOM }

        public static final Placement INHERIT = new Placement(Mode.INHERIT, List.of(), 0);

        public Placement {
            Objects.requireNonNull(mode, "mode");
            cpus = List.copyOf(cpus);
        }
    }

    public static Builder builder(String name, long durationMs, List<Integer> cpus) {
        return new Builder(name, durationMs, cpus);
    }

    /** Header values default to ktstr's: 2 workers, a 2 s work-conservation watchdog, 5 s for workers to report. */
    public static final class Builder {
        private final String name;
        private final long durationMs;
        private final List<Integer> cpus;
        private int workersDefault = 2;
        private long watchdogMs = 2000;
        private long stopDeadlineMs = 5000;
        private final List<Cgroup> backdrop = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();

        private Builder(String name, long durationMs, List<Integer> cpus) {
            this.name = name;
            this.durationMs = durationMs;
            this.cpus = cpus;
        }

        public Builder workersDefault(int n) {
            this.workersDefault = n;
            return this;
        }

        /** @param ms gap after which a worker signals the scheduler (0 = never) */
        public Builder watchdogMs(long ms) {
            this.watchdogMs = ms;
            return this;
        }

        public Builder stopDeadlineMs(long ms) {
            this.stopDeadlineMs = ms;
            return this;
        }

        public Builder backdrop(Cgroup c) {
            backdrop.add(c);
            return this;
        }

        /** The next step, indexed in the order added. */
        public Builder step(HoldSpec hold, List<Cgroup> setup, List<AgentOp> ops) {
            steps.add(new Step(steps.size(), hold, setup, ops));
            return this;
        }

        public AgentScenario build() {
            return new AgentScenario(name, durationMs, cpus, workersDefault, watchdogMs, stopDeadlineMs, backdrop,
                    steps);
        }
    }
}
