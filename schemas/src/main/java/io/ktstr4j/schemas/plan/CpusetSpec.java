package io.ktstr4j.schemas.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * Which CPUs a cgroup gets (ktstr {@code CpusetSpec}). Fractional kinds are resolved against the usable CPUs (the
 * last CPU is kept for the root cgroup when there are more than 2) by the pipeline before the VM boots.
 * JSON: {@code {"kind":"range","start_frac":0.0,"end_frac":0.5}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = CpusetSpec.Llc.class, name = "llc"),
        @JsonSubTypes.Type(value = CpusetSpec.Numa.class, name = "numa"),
        @JsonSubTypes.Type(value = CpusetSpec.Range.class, name = "range"),
        @JsonSubTypes.Type(value = CpusetSpec.Disjoint.class, name = "disjoint"),
        @JsonSubTypes.Type(value = CpusetSpec.Overlap.class, name = "overlap"),
        @JsonSubTypes.Type(value = CpusetSpec.Exact.class, name = "exact")
})
public sealed interface CpusetSpec {

    /** All CPUs of one LLC. */
    record Llc(int index) implements CpusetSpec {
        public Llc {
            Validate.nonNegative("index", index);
        }
    }

    /** All CPUs of one NUMA node. */
    record Numa(int node) implements CpusetSpec {
        public Numa {
            Validate.nonNegative("node", node);
        }
    }

    /** The usable CPUs from {@code start_frac} up to (excluding) {@code end_frac} of their count. */
    record Range(double startFrac, double endFrac) implements CpusetSpec {
        public Range {
            Validate.range("start_frac", startFrac, 0, 1);
            Validate.range("end_frac", endFrac, 0, 1);
            if (endFrac <= startFrac)
                throw new InvalidFieldException("end_frac", Validate.num(endFrac) + " must be greater than start_frac ("
                        + Validate.num(startFrac) + ")");
        }
    }

    /** Part {@code index} of {@code of} equal, non-overlapping parts of the usable CPUs. */
    record Disjoint(int index, int of) implements CpusetSpec {
        public Disjoint {
            Validate.atLeast("of", of, 1);
            Validate.range("index", index, 0, of - 1);
        }
    }

    /** Part {@code index} of {@code of} parts that overlap their neighbours by {@code frac} of a part. */
    record Overlap(int index, int of, double frac) implements CpusetSpec {
        public Overlap {
            Validate.atLeast("of", of, 1);
            Validate.range("index", index, 0, of - 1);
            Validate.range("frac", frac, 0, 1);
        }
    }

    /** Exactly these CPUs (sorted, no duplicates). */
    record Exact(List<Integer> cpus) implements CpusetSpec {
        public Exact {
            cpus = Validate.list("cpus", cpus);
            if (cpus.isEmpty()) throw new InvalidFieldException("cpus", "must name at least one CPU");
            for (int i = 0; i < cpus.size(); i++) Validate.nonNegative("cpus[" + i + "]", cpus.get(i));
            cpus = cpus.stream().distinct().sorted().toList();
        }

        public static Exact of(Integer... cpus) {
            return new Exact(List.of(cpus));
        }
    }
}
