package io.ktstr4j.cli;

import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.stats.store.ResultsStore;
import io.ktstr4j.stats.store.StoreLocation;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code run}'s writes to the results store ({@code --results-store}): one per result, as it is produced. A write
 * that fails is a warning line on stderr, never a lost run: the result is on stdout, in {@code --out} and on Kafka.
 */
final class ResultsWriter {

    private final ResultsStore store; // null: --results-store none
    private final PrintStream err;

    private ResultsWriter(ResultsStore store, PrintStream err) {
        this.store = store;
        this.err = err;
    }

    /** The writer for {@code --results-store} (null: the default); a value that cannot be a store is refused. */
    static ResultsWriter of(String option, Services services, PrintStream err) {
        StoreLocation l;
        try {
            l = option == null ? services.resultsStore() : StoreLocation.parse(option);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new RunCommand(services)),
                    e.getMessage());
        }
        return new ResultsWriter(l instanceof StoreLocation.None ? null : ResultsStore.at(l), err);
    }

    /**
     * Past wall times by variant key, for {@code --budget}'s estimates; empty without a store or when it cannot be
     * read (a warning: the estimates then come from the preset sizes).
     */
    java.util.Map<String, List<Long>> pastDurations() {
        if (store == null) {
            return java.util.Map.of();
        }
        try {
            return store.pastDurations(20_000);
        } catch (Exception | LinkageError e) {
            err.println("ktstr4j run: warning: results store " + store.location().describe() + ": past durations "
                    + "not read (the budget estimates from preset sizes): " + Main.message(e));
            return java.util.Map.of();
        }
    }

    void write(SidecarResult result) {
        if (store == null) {
            return;
        }
        try {
            store.ingest(List.of(result));
        } catch (Exception | LinkageError e) { // the native library, a locked or broken file: warn, keep running
            err.println("ktstr4j run: warning: results store " + store.location().describe() + ": "
                    + result.variantKey() + " not stored: " + Main.message(e));
        }
    }
}
