package io.ktstr4j.schemas.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import java.util.List;

/** How workers pin themselves inside their cpuset (ktstr {@code AffinityKind}). JSON: {@code {"kind":"llc_aligned"}}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AffinityKind.Inherit.class, name = "inherit"),
        @JsonSubTypes.Type(value = AffinityKind.RandomSubset.class, name = "random_subset"),
        @JsonSubTypes.Type(value = AffinityKind.LlcAligned.class, name = "llc_aligned"),
        @JsonSubTypes.Type(value = AffinityKind.CrossCgroup.class, name = "cross_cgroup"),
        @JsonSubTypes.Type(value = AffinityKind.SingleCpu.class, name = "single_cpu"),
        @JsonSubTypes.Type(value = AffinityKind.Exact.class, name = "exact")
})
public sealed interface AffinityKind {
    /** The cgroup's cpuset (the default). */
    record Inherit() implements AffinityKind {}

    /** A random subset of the cpuset per worker. */
    record RandomSubset() implements AffinityKind {}

    /** The CPUs of one LLC. */
    record LlcAligned() implements AffinityKind {}

    /** CPUs spanning other cgroups' cpusets. */
    record CrossCgroup() implements AffinityKind {}

    /** One CPU per worker. */
    record SingleCpu() implements AffinityKind {}

    /** Exactly these CPUs. */
    record Exact(List<Integer> cpus) implements AffinityKind {
        public Exact {
            cpus = Validate.list("cpus", cpus);
            if (cpus.isEmpty()) throw new InvalidFieldException("cpus", "must name at least one CPU");
            for (int i = 0; i < cpus.size(); i++) Validate.nonNegative("cpus[" + i + "]", cpus.get(i));
            cpus = cpus.stream().distinct().sorted().toList();
        }
    }
}
