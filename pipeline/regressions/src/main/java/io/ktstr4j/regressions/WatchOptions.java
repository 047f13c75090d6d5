package io.ktstr4j.regressions;

import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.stats.CompareOptions;
import io.ktstr4j.stats.TrialFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@code stats watch} runs.
 *
 * @param kafka          the cluster, client properties (SASL/TLS) and topic prefix, as every Kafka command takes them
 * @param applicationId  the Kafka Streams application id: instances sharing it split the work and its state
 * @param baseline       which results make a variant's baseline ({@code --baseline DIM=VALUE…})
 * @param window         how many of the latest matching results the baseline holds per variant
 * @param compare        gates, alpha, correction: the stats engine's options
 * @param stateDir       where this instance keeps its local state (restored from Kafka when lost)
 * @param threads        stream threads in this instance
 * @param dedupRetention how long a result id is remembered to drop a copy the publisher sent again
 * @param commitInterval how often a transaction commits (exactly-once: also how late output becomes visible)
 */
public record WatchOptions(KafkaSinkConfig kafka, String applicationId, TrialFilter baseline, int window,
                           CompareOptions compare, Path stateDir, int threads, Duration dedupRetention,
                           Duration commitInterval) {

    public static final String DEFAULT_APPLICATION_SUFFIX = "-stats-watch";
    public static final int DEFAULT_WINDOW = 5;

    public WatchOptions {
        Objects.requireNonNull(kafka, "kafka");
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("--application-id: must not be empty");
        }
        Objects.requireNonNull(baseline, "baseline");
        if (window < 1) {
            throw new IllegalArgumentException("--baseline-window: expected 1 or more results, got " + window);
        }
        Objects.requireNonNull(compare, "compare");
        Objects.requireNonNull(stateDir, "stateDir");
        if (threads < 1) {
            throw new IllegalArgumentException("--threads: expected 1 or more, got " + threads);
        }
        Objects.requireNonNull(dedupRetention, "dedupRetention");
        Objects.requireNonNull(commitInterval, "commitInterval");
    }

    public static Builder builder(KafkaSinkConfig kafka, TrialFilter baseline) {
        return new Builder(kafka, baseline);
    }

    /** Builds {@link WatchOptions}: application id {@code <prefix>-stats-watch}, window 5, one thread. */
    public static final class Builder {
        private final KafkaSinkConfig kafka;
        private final TrialFilter baseline;
        private String applicationId;
        private int window = DEFAULT_WINDOW;
        private CompareOptions compare = CompareOptions.DEFAULTS;
        private Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "ktstr4j-streams");
        private int threads = 1;
        private final Duration dedupRetention = Duration.ofDays(14);
        private final Duration commitInterval = Duration.ofMillis(100);

        private Builder(KafkaSinkConfig kafka, TrialFilter baseline) {
            this.kafka = kafka;
            this.baseline = baseline;
        }

        public Builder applicationId(String v) {
            applicationId = v;
            return this;
        }

        public Builder window(int v) {
            window = v;
            return this;
        }

        public Builder compare(CompareOptions v) {
            compare = v;
            return this;
        }

        public Builder stateDir(Path v) {
            stateDir = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public WatchOptions build() {
            String id = applicationId != null ? applicationId : kafka.topicPrefix() + DEFAULT_APPLICATION_SUFFIX;
            return new WatchOptions(kafka, id, baseline, window, compare, stateDir, threads, dedupRetention,
                    commitInterval);
        }
    }
}
