package io.ktstr4j.stats;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * ktstr's commit cohorts: a commit with and without {@code -dirty} is one cohort; when the trials of one side mix a
 * dirty tree and the clean commit, the cohort is written {@code abc1234+mixed}, so nobody mistakes work in progress
 * mixed into a baseline for the commit itself.
 */
public final class CommitCohort {

    /** The suffix of a commit built from a modified tree. */
    public static final String DIRTY = "-dirty";
    /** The mark of a cohort mixing dirty and clean trees. */
    public static final String MIXED = "+mixed";

    private CommitCohort() {
    }

    /** The commit without {@code -dirty}. */
    public static String base(String commit) {
        return commit.endsWith(DIRTY) ? commit.substring(0, commit.length() - DIRTY.length()) : commit;
    }

    /**
     * How a set of commit values is written: one value as it is; a commit with and without {@code -dirty} as
     * {@code base+mixed}; several commits joined with {@code |}.
     */
    public static String render(Collection<String> commits) {
        Set<String> distinct = new LinkedHashSet<>(commits);
        if (distinct.size() <= 1) {
            return distinct.isEmpty() ? Dimension.ABSENT : distinct.iterator().next();
        }
        Set<String> bases = new LinkedHashSet<>();
        for (String c : distinct) {
            bases.add(base(c));
        }
        if (bases.size() == 1) {
            return bases.iterator().next() + MIXED;
        }
        return String.join("|", distinct);
    }
}
