package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.schemas.plan.CpusetSpec;
import java.util.List;

/** Short factories for {@link CpusetSpec}s, for the builders. */
public final class Cpusets {
    private Cpusets() {}

    public static CpusetSpec llc(int index) {
        return new CpusetSpec.Llc(index);
    }

    public static CpusetSpec numa(int node) {
        return new CpusetSpec.Numa(node);
    }

    /** The usable CPUs from {@code start} to {@code end} (fractions of the usable list, end exclusive). */
    public static CpusetSpec range(double start, double end) {
        return new CpusetSpec.Range(start, end);
    }

    public static CpusetSpec disjoint(int index, int of) {
        return new CpusetSpec.Disjoint(index, of);
    }

    public static CpusetSpec overlap(int index, int of, double frac) {
        return new CpusetSpec.Overlap(index, of, frac);
    }

    public static CpusetSpec exact(Integer... cpus) {
        return new CpusetSpec.Exact(List.of(cpus));
    }
}
