package io.ktstr4j.stats;

/** How the p-values of one comparison's metrics are adjusted for testing many metrics at once. */
public enum Correction {
    /** Holm's step-down: the family-wise error rate stays at alpha. */
    HOLM,
    /** Benjamini–Hochberg: the false discovery rate stays at alpha (more findings, some false). */
    BH
}
