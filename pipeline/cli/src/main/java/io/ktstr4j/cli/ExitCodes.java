package io.ktstr4j.cli;

import io.ktstr4j.schemas.verdict.Outcome;
import java.util.Collection;

/** The CLI's exit codes. */
public final class ExitCodes {
    /** Every variant passed or was skipped. */
    public static final int OK = 0;
    /** At least one variant failed (FAIL or INCONCLUSIVE) and none hit an infrastructure error. */
    public static final int FAILED = 1;
    /** Bad usage, or the harness itself failed (ERROR verdict, no kernel, no backend). */
    public static final int USAGE_OR_INFRA = 2;

    private ExitCodes() {
    }

    public static int of(Collection<Outcome> outcomes) {
        if (outcomes.contains(Outcome.ERROR)) {
            return USAGE_OR_INFRA;
        }
        if (outcomes.contains(Outcome.FAIL) || outcomes.contains(Outcome.INCONCLUSIVE)) {
            return FAILED;
        }
        return OK;
    }
}
