package io.ktstr4j.schemas.verdict;

/**
 * The verdict of one run. INCONCLUSIVE = not enough evidence to judge the scheduler (e.g. the monitor never
 * initialised); ERROR = the harness failed (no KVM, VM crashed before the test, timeout with no result).
 */
public enum Outcome {
    PASS, FAIL, SKIP, INCONCLUSIVE, ERROR;

    /** ktstr's {@code passed} flag: true for PASS and SKIP (ktstr sets passed=true on skips). */
    public boolean ktstrPassed() {
        return this == PASS || this == SKIP;
    }

    public boolean ktstrSkipped() {
        return this == SKIP;
    }
}
