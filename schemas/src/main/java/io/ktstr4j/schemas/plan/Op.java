package io.ktstr4j.schemas.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * One change a step applies (ktstr's 13 {@code Op}s). JSON carries the kind in {@code "op"}:
 * {@code {"op":"set_cpuset","cgroup":"a","cpuset":{"kind":"llc","index":0}}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Op.AddCgroup.class, name = "add_cgroup"),
        @JsonSubTypes.Type(value = Op.RemoveCgroup.class, name = "remove_cgroup"),
        @JsonSubTypes.Type(value = Op.SetCpuset.class, name = "set_cpuset"),
        @JsonSubTypes.Type(value = Op.ClearCpuset.class, name = "clear_cpuset"),
        @JsonSubTypes.Type(value = Op.SwapCpusets.class, name = "swap_cpusets"),
        @JsonSubTypes.Type(value = Op.Spawn.class, name = "spawn"),
        @JsonSubTypes.Type(value = Op.StopCgroup.class, name = "stop_cgroup"),
        @JsonSubTypes.Type(value = Op.SetAffinity.class, name = "set_affinity"),
        @JsonSubTypes.Type(value = Op.SpawnHost.class, name = "spawn_host"),
        @JsonSubTypes.Type(value = Op.MoveAllTasks.class, name = "move_all_tasks"),
        @JsonSubTypes.Type(value = Op.RunPayload.class, name = "run_payload"),
        @JsonSubTypes.Type(value = Op.WaitPayload.class, name = "wait_payload"),
        @JsonSubTypes.Type(value = Op.KillPayload.class, name = "kill_payload")
})
public sealed interface Op {
    OpKind kind();

    /** Create an empty cgroup. */
    record AddCgroup(String name) implements Op {
        public AddCgroup {
            CgroupDef.checkPath("name", name);
        }

        public OpKind kind() {
            return OpKind.ADD_CGROUP;
        }
    }

    /** Stop its workers and remove the cgroup. */
    record RemoveCgroup(String cgroup) implements Op {
        public RemoveCgroup {
            CgroupDef.checkPath("cgroup", cgroup);
        }

        public OpKind kind() {
            return OpKind.REMOVE_CGROUP;
        }
    }

    /** Change a cgroup's cpuset. */
    record SetCpuset(String cgroup, CpusetSpec cpuset) implements Op {
        public SetCpuset {
            CgroupDef.checkPath("cgroup", cgroup);
            Validate.required("cpuset", cpuset);
        }

        public OpKind kind() {
            return OpKind.SET_CPUSET;
        }
    }

    /** Reset a cgroup's cpuset to its parent's. */
    record ClearCpuset(String cgroup) implements Op {
        public ClearCpuset {
            CgroupDef.checkPath("cgroup", cgroup);
        }

        public OpKind kind() {
            return OpKind.CLEAR_CPUSET;
        }
    }

    /** Exchange the cpusets of two cgroups. */
    record SwapCpusets(String a, String b) implements Op {
        public SwapCpusets {
            CgroupDef.checkPath("a", a);
            CgroupDef.checkPath("b", b);
            if (a.equals(b)) throw new io.ktstr4j.schemas.InvalidFieldException("b", "'" + b + "' is the same cgroup as a");
        }

        public OpKind kind() {
            return OpKind.SWAP_CPUSETS;
        }
    }

    /** Start more workers in a cgroup. */
    record Spawn(String cgroup, Work work) implements Op {
        public Spawn {
            CgroupDef.checkPath("cgroup", cgroup);
            if (work == null) work = new Work(null, null, null, null, null, null);
        }

        public OpKind kind() {
            return OpKind.SPAWN;
        }
    }

    /** Stop a cgroup's workers (collecting their reports) but keep the cgroup. */
    record StopCgroup(String cgroup) implements Op {
        public StopCgroup {
            CgroupDef.checkPath("cgroup", cgroup);
        }

        public OpKind kind() {
            return OpKind.STOP_CGROUP;
        }
    }

    /** Re-pin a cgroup's workers. */
    record SetAffinity(String cgroup, AffinityKind affinity) implements Op {
        public SetAffinity {
            CgroupDef.checkPath("cgroup", cgroup);
            Validate.required("affinity", affinity);
        }

        public OpKind kind() {
            return OpKind.SET_AFFINITY;
        }
    }

    /** Start workers in the root cgroup (host contention). */
    record SpawnHost(Work work) implements Op {
        public SpawnHost {
            if (work == null) work = new Work(null, null, null, null, null, null);
        }

        public OpKind kind() {
            return OpKind.SPAWN_HOST;
        }
    }

    /** Move every task of one cgroup into another. */
    record MoveAllTasks(String from, String to) implements Op {
        public MoveAllTasks {
            CgroupDef.checkPath("from", from);
            CgroupDef.checkPath("to", to);
        }

        public OpKind kind() {
            return OpKind.MOVE_ALL_TASKS;
        }
    }

    /**
     * Start a payload binary from the initramfs.
     *
     * @param payload payload name (binary under {@code /payloads/} or an absolute path in the guest)
     * @param args    its arguments
     * @param cgroup  cgroup to run it in; null = the test's root
     */
    record RunPayload(String payload, List<String> args, String cgroup) implements Op {
        public RunPayload {
            Validate.nonBlank("payload", payload);
            args = Validate.list("args", args);
            if (cgroup != null) CgroupDef.checkPath("cgroup", cgroup);
        }

        public OpKind kind() {
            return OpKind.RUN_PAYLOAD;
        }
    }

    /** Wait for a running payload to exit and collect its metrics. */
    record WaitPayload(String name, String cgroup) implements Op {
        public WaitPayload {
            Validate.nonBlank("name", name);
            if (cgroup != null) CgroupDef.checkPath("cgroup", cgroup);
        }

        public OpKind kind() {
            return OpKind.WAIT_PAYLOAD;
        }
    }

    /** Kill a running payload and collect its metrics. */
    record KillPayload(String name, String cgroup) implements Op {
        public KillPayload {
            Validate.nonBlank("name", name);
            if (cgroup != null) CgroupDef.checkPath("cgroup", cgroup);
        }

        public OpKind kind() {
            return OpKind.KILL_PAYLOAD;
        }
    }
}
