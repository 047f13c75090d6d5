package io.ktstr4j.schemas.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * NUMA memory policy of workers (ktstr {@code MemPolicy}, set_mempolicy(2)). Node sets must lie inside the NUMA
 * nodes of the cgroup's cpuset (checked by the pipeline against the topology).
 * JSON: {@code {"kind":"bind","nodes":[0]}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = MemPolicy.Default.class, name = "default"),
        @JsonSubTypes.Type(value = MemPolicy.Bind.class, name = "bind"),
        @JsonSubTypes.Type(value = MemPolicy.Preferred.class, name = "preferred"),
        @JsonSubTypes.Type(value = MemPolicy.Interleave.class, name = "interleave"),
        @JsonSubTypes.Type(value = MemPolicy.Local.class, name = "local"),
        @JsonSubTypes.Type(value = MemPolicy.PreferredMany.class, name = "preferred_many"),
        @JsonSubTypes.Type(value = MemPolicy.WeightedInterleave.class, name = "weighted_interleave")
})
public sealed interface MemPolicy {
    /** NUMA nodes the policy names (empty for Default and Local). */
    List<Integer> nodes();

    /** MPOL_DEFAULT (the default). */
    record Default() implements MemPolicy {
        @Override
        public List<Integer> nodes() {
            return List.of();
        }
    }

    /** MPOL_BIND. */
    record Bind(List<Integer> nodes) implements MemPolicy {
        public Bind {
            nodes = nodeSet(nodes);
        }
    }

    /** MPOL_PREFERRED on one node. */
    record Preferred(int node) implements MemPolicy {
        public Preferred {
            Validate.nonNegative("node", node);
        }

        @Override
        public List<Integer> nodes() {
            return List.of(node);
        }
    }

    /** MPOL_INTERLEAVE. */
    record Interleave(List<Integer> nodes) implements MemPolicy {
        public Interleave {
            nodes = nodeSet(nodes);
        }
    }

    /** MPOL_LOCAL. */
    record Local() implements MemPolicy {
        @Override
        public List<Integer> nodes() {
            return List.of();
        }
    }

    /** MPOL_PREFERRED_MANY. */
    record PreferredMany(List<Integer> nodes) implements MemPolicy {
        public PreferredMany {
            nodes = nodeSet(nodes);
        }
    }

    /** MPOL_WEIGHTED_INTERLEAVE. */
    record WeightedInterleave(List<Integer> nodes) implements MemPolicy {
        public WeightedInterleave {
            nodes = nodeSet(nodes);
        }
    }

    private static List<Integer> nodeSet(List<Integer> nodes) {
        List<Integer> l = Validate.list("nodes", nodes);
        if (l.isEmpty()) throw new InvalidFieldException("nodes", "must name at least one NUMA node");
        for (int i = 0; i < l.size(); i++) Validate.nonNegative("nodes[" + i + "]", l.get(i));
        return l.stream().distinct().sorted().toList();
    }
}
