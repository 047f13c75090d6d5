package io.ktstr4j.regressions;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one {@code stats watch} instance has done since it started, for its summary line. Counts processing, so a
 * result processed again after an aborted transaction counts again here; what reaches the regressions topic does not
 * (exactly-once). Thread-safe.
 */
public final class WatchCounters {
    final AtomicLong results = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong compared = new AtomicLong();
    final AtomicLong noBaseline = new AtomicLong();
    final AtomicLong notPassed = new AtomicLong();
    final AtomicLong regressions = new AtomicLong();
    final AtomicLong flaky = new AtomicLong();
    private final SkippedRecords skipped = new SkippedRecords("stats watch");

    public SkippedRecords skipped() {
        return skipped;
    }

    /** Results read from the results topic (duplicates included). */
    public long results() {
        return results.get();
    }

    /** Results seen before (a publisher's replay sent them again), dropped. */
    public long duplicates() {
        return duplicates.get();
    }

    public long compared() {
        return compared.get();
    }

    /** {@code analysis.regression} events published. */
    public long regressions() {
        return regressions.get();
    }

    /** {@code analysis.flaky} events published. */
    public long flaky() {
        return flaky.get();
    }

    /** The summary line. */
    public String line() {
        return "stats watch: " + results() + " results read (" + duplicates() + " duplicates dropped): " + compared()
                + " compared, " + noBaseline.get() + " without a baseline, " + notPassed.get() + " not passed; "
                + regressions() + " analysis.regression, " + flaky() + " analysis.flaky; " + skipped.describe();
    }
}
