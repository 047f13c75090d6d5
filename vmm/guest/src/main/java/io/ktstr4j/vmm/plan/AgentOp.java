package io.ktstr4j.vmm.plan;

import io.ktstr4j.vmm.plan.AgentScenario.Placement;
import io.ktstr4j.vmm.plan.AgentScenario.Work;
import java.util.List;

/** One {@code op} line of a step, resolved (CPU lists, placements, worker counts). Names are cgroup paths. */
public sealed interface AgentOp {

    record AddCgroup(String name) implements AgentOp { }

    record RemoveCgroup(String cgroup) implements AgentOp { }

    record SetCpuset(String cgroup, List<Integer> cpus) implements AgentOp {
        public SetCpuset {
            cpus = List.copyOf(cpus);
        }
    }

    record ClearCpuset(String cgroup) implements AgentOp { }

    record SwapCpusets(String a, String b) implements AgentOp { }

    record Spawn(String cgroup, Work work) implements AgentOp { }

    record StopCgroup(String cgroup) implements AgentOp { }

    record SetAffinity(String cgroup, Placement affinity) implements AgentOp { }

    /** Workers in the root cgroup. */
    record SpawnHost(Work work) implements AgentOp { }

    record MoveAllTasks(String from, String to) implements AgentOp { }

    /** @param exe the path in the guest; {@code cgroup} may be null */
    record RunPayload(String name, String exe, String cgroup, List<String> args) implements AgentOp {
        /** Where payload names without a leading '/' live in the initramfs. */
        public static final String PAYLOAD_DIR = "/payloads/";

        public RunPayload {
            args = List.copyOf(args);
        }

        /** The payload {@code name}, run from its path in the guest ({@link #exeOf}). */
        public static RunPayload of(String name, String cgroup, List<String> args) {
            return new RunPayload(name, exeOf(name), cgroup, args);
        }

        /** A payload's path in the guest: absolute names as given, others under {@value #PAYLOAD_DIR}. */
        public static String exeOf(String payload) {
            return payload.startsWith("/") ? payload : PAYLOAD_DIR + payload;
        }
    }

    record WaitPayload(String name, String cgroup) implements AgentOp { }

    record KillPayload(String name, String cgroup) implements AgentOp { }
}
