package io.ktstr4j.schemas.event;

/** How far the regression consumer got with one result ({@link AnalysisSummary#status()}). */
public enum AnalysisStatus {
    /** Compared with its baseline; the summary lists what regressed, improved and was noise. */
    COMPARED,
    /** Its variant has no baseline yet (no earlier passing result matched the baseline filter). */
    NO_BASELINE,
    /** Not judged: the result did not pass, so its numbers describe a failure, not the scheduler. */
    NOT_PASSED
}
