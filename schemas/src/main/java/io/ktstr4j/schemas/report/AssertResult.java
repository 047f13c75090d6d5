package io.ktstr4j.schemas.report;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.verdict.DetailKind;
import java.util.List;

/** The guest's test verdict (ktstr {@code AssertResult}, the TEST message payload). */
public record AssertResult(boolean passed, boolean skipped, List<AssertDetail> details, ScenarioStats stats) {
    public AssertResult {
        details = Validate.list("details", details);
        if (stats == null) stats = ScenarioStats.empty();
    }

    public static AssertResult pass(ScenarioStats stats) {
        return new AssertResult(true, false, List.of(), stats);
    }

    public static AssertResult skip(String reason) {
        return new AssertResult(true, true, List.of(new AssertDetail(DetailKind.SKIP, reason)), ScenarioStats.empty());
    }
}
