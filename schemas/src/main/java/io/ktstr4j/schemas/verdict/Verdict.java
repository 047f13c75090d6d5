package io.ktstr4j.schemas.verdict;

import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.spec.AssertThresholds;
import java.util.List;

/**
 * The decision for one run.
 *
 * @param outcome    PASS, FAIL, SKIP, INCONCLUSIVE or ERROR
 * @param reasons    why (empty for a plain PASS; at least one otherwise)
 * @param thresholds the thresholds the checks used (null when no check ran, e.g. ERROR before boot)
 */
public record Verdict(Outcome outcome, List<Reason> reasons, AssertThresholds thresholds) {
    public Verdict {
        Validate.required("outcome", outcome);
        reasons = Validate.list("reasons", reasons);
        if (outcome != Outcome.PASS && reasons.isEmpty())
            throw new InvalidFieldException("reasons", "must name at least one reason for outcome " + outcome);
    }

    public static Verdict pass(AssertThresholds thresholds) {
        return new Verdict(Outcome.PASS, List.of(), thresholds);
    }
}
