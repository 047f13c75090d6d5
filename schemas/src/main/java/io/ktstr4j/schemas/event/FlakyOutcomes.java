package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.verdict.Outcome;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The flaky ledger of the regression consumer ({@code analysis.flaky}): a variant gave one project commit and kernel
 * two different conclusions (PASS, FAIL, INCONCLUSIVE, ERROR; a skip is none), as {@code stats flaky} judges it.
 * Published when the variant first turns flaky for that commit and kernel ({@code first}), and again with the new
 * counts on every later result of it.
 *
 * @param variant       the variant as {@code stats flaky} writes it (test and every pairing dimension but the commits,
 *                      kernel and run source); the record key
 * @param projectCommit the project commit
 * @param kernel        the kernel
 * @param outcomes      results per outcome so far (outcomes with no result are absent)
 * @param runs          the distinct runs those results came from
 * @param resultId      the result that brought this update ({@code <run_id>/<variant_key>@<timestamp>})
 * @param first         true on the result that made the variant flaky for this commit and kernel
 */
public record FlakyOutcomes(String variant, String projectCommit, String kernel, Map<Outcome, Integer> outcomes,
                            int runs, String resultId, boolean first) implements AnalysisResult {
    public FlakyOutcomes {
        Validate.nonBlank("variant", variant);
        Validate.nonBlank("project_commit", projectCommit);
        Validate.nonBlank("kernel", kernel);
        Map<Outcome, Integer> m = new EnumMap<>(Outcome.class);
        if (outcomes != null) {
            outcomes.forEach((k, v) -> {
                Validate.required("outcomes key", k);
                Validate.atLeast("outcomes." + k.name(), Validate.required("outcomes." + k.name(), v), 1);
                m.put(k, v);
            });
        }
        outcomes = Collections.unmodifiableMap(m);
        Validate.atLeast("runs", runs, 1);
        Validate.nonBlank("result_id", resultId);
    }
}
