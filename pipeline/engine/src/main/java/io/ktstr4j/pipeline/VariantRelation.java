package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.spec.RelativeTo;
import java.util.Objects;

/**
 * How a variant relates to the others of its run (a spec's {@code relative_to}): a baseline runs so that others can
 * be judged against it; a judged variant is compared with its baseline when it is evaluated, so its baseline must
 * have finished first (the planner puts each baseline before the variants judged against it).
 */
public sealed interface VariantRelation {

    /** Runs so that other variants of the same run can be judged against it. */
    record Baseline() implements VariantRelation {
    }

    /** Judged against the variant {@code baselineKey} of the same run by the ratios of {@code check}. */
    record JudgedAgainst(String baselineKey, RelativeTo check) implements VariantRelation {
        public JudgedAgainst {
            Objects.requireNonNull(baselineKey, "baselineKey");
            Objects.requireNonNull(check, "check");
        }
    }
}
