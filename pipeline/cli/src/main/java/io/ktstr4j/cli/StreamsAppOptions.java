package io.ktstr4j.cli;

import io.ktstr4j.schemas.CacheDir;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of the commands that run a Kafka Streams consumer ({@code stats watch}, {@code host-state diff-watch}),
 * spelled once: its application id, its local state, how often it reports.
 */
final class StreamsAppOptions {

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Kafka Streams application id: instances sharing it split the work and its state "
                    + "(default: PREFIX-stats-watch, PREFIX-hoststate-diff).")
    String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Local state of this instance, rebuilt from Kafka when lost (default: "
                    + "$KTSTR4J_CACHE_DIR/streams, else ~/.cache/ktstr4j/streams).")
    Path stateDir;

    @Option(names = "--report-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "Print the counters this often while something changed; 0: only at the end "
                    + "(default: ${DEFAULT-VALUE}).")
    int reportSeconds;

    /** {@code --state-dir}, else the cache's {@code streams} folder. */
    Path stateDir() {
        return stateDir != null ? stateDir : CacheDir.resolve("streams");
    }

    /** How often the counters are printed; a negative interval is refused naming the option. */
    int reportSeconds() {
        if (reportSeconds < 0) {
            throw new IllegalArgumentException("--report-interval " + reportSeconds + ": expected 0 or more seconds");
        }
        return reportSeconds;
    }
}
