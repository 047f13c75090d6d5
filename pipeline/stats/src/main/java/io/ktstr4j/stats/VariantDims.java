package io.ktstr4j.stats;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What many trials share: the test name, the value of every dimension but {@code run} and {@code date}, and the other
 * fields that make a variant ({@link Trials#variantExtra}). Absent values are {@link Dimension#ABSENT}.
 *
 * @param testName     the bare test name
 * @param dims         kernel, scheduler, topology, work type, commits, run source, flags, backend
 * @param variantExtra payload, sysctls, kargs and the like, one string; equal strings pair
 */
public record VariantDims(String testName, Map<Dimension, String> dims, String variantExtra) {

    public VariantDims {
        EnumMap<Dimension, String> m = new EnumMap<>(Dimension.class);
        for (Dimension d : Dimension.values()) {
            if (d != Dimension.RUN && d != Dimension.DATE) {
                String v = dims.get(d);
                m.put(d, v == null || v.isBlank() ? Dimension.ABSENT : v);
            }
        }
        dims = Collections.unmodifiableMap(m);
        variantExtra = variantExtra == null ? "" : variantExtra;
    }

    /** The value of a variant-level dimension ({@link Dimension#ABSENT} when unknown). */
    public String get(Dimension d) {
        return dims.getOrDefault(d, Dimension.ABSENT);
    }
}
