package io.ktstr4j.sink.kafka;

import static org.apache.kafka.common.config.TopicConfig.CLEANUP_POLICY_COMPACT;
import static org.apache.kafka.common.config.TopicConfig.CLEANUP_POLICY_CONFIG;
import static org.apache.kafka.common.config.TopicConfig.COMPRESSION_TYPE_CONFIG;
import static org.apache.kafka.common.config.TopicConfig.MAX_MESSAGE_BYTES_CONFIG;
import static org.apache.kafka.common.config.TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG;
import static org.apache.kafka.common.config.TopicConfig.RETENTION_MS_CONFIG;
import static org.apache.kafka.common.config.TopicConfig.SEGMENT_MS_CONFIG;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The topics ktstr4j writes, with partitions and configs chosen for their use: the one source of the topic table.
 * docs/kafka.md, deploy/kubernetes/topics.yaml, deploy/compose/docker-compose.yml and deploy/README.md carry copies,
 * which TopicTableDocsTest checks against this class. All names start with a prefix ({@code ktstr4j} by default) so
 * several installations can share a cluster.
 */
public final class TopicLayout {
    /** One topic: its short name (after the prefix), partitions and topic configs. */
    public record TopicSpec(String suffix, int partitions, Map<String, String> configs) {
    }

    public static final String LIFECYCLE = "lifecycle";
    public static final String MONITOR = "monitor";
    public static final String SNAPSHOTS = "snapshots";
    public static final String RESULTS = "results";
    public static final String RESULTS_LATEST = "results.latest";
    public static final String FAILURES = "failures";
    public static final String HOSTSTATE = "hoststate";
    public static final String REGRESSIONS = "regressions";

    private static final long DAY_MS = 24L * 3600 * 1000;

    /** Largest record value the broker is configured to accept on the topics with big records. */
    public static final int LARGE_TOPIC_MAX_MESSAGE_BYTES = 4 << 20;

    /**
     * {@code compression.type} value "keep the producer's codec" (the broker stores our zstd batches as they are).
     * Kafka's constant for it ({@code BrokerCompressionType.PRODUCER}) is in server-common, not in kafka-clients.
     */
    public static final String COMPRESSION_TYPE_PRODUCER = "producer";

    public static final List<TopicSpec> SPECS = List.of(
            spec(LIFECYCLE, 6, RETENTION_MS_CONFIG, String.valueOf(14 * DAY_MS)),
            // The busiest topic (a sample per tick per run): shorter retention, more partitions.
            spec(MONITOR, 12, RETENTION_MS_CONFIG, String.valueOf(3 * DAY_MS)),
            spec(SNAPSHOTS, 3, RETENTION_MS_CONFIG, String.valueOf(14 * DAY_MS),
                    MAX_MESSAGE_BYTES_CONFIG, String.valueOf(LARGE_TOPIC_MAX_MESSAGE_BYTES)),
            spec(RESULTS, 6, RETENTION_MS_CONFIG, String.valueOf(365 * DAY_MS)),
            // One record per (variant, kind) forever: the regression consumer's baseline.
            spec(RESULTS_LATEST, 6, CLEANUP_POLICY_CONFIG, CLEANUP_POLICY_COMPACT, MIN_COMPACTION_LAG_MS_CONFIG, "0",
                    SEGMENT_MS_CONFIG, String.valueOf(DAY_MS)),
            spec(FAILURES, 3, RETENTION_MS_CONFIG, String.valueOf(90 * DAY_MS),
                    MAX_MESSAGE_BYTES_CONFIG, String.valueOf(LARGE_TOPIC_MAX_MESSAGE_BYTES)),
            spec(HOSTSTATE, 3, RETENTION_MS_CONFIG, String.valueOf(90 * DAY_MS),
                    MAX_MESSAGE_BYTES_CONFIG, String.valueOf(LARGE_TOPIC_MAX_MESSAGE_BYTES)),
            // The regression consumer's conclusions: kept as long as the results they judge.
            spec(REGRESSIONS, 6, RETENTION_MS_CONFIG, String.valueOf(365 * DAY_MS)));

    private final String prefix;

    public TopicLayout(String prefix) {
        if (prefix == null || prefix.isBlank() || !prefix.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("topic prefix must be non-empty and use only [A-Za-z0-9._-], got '"
                    + prefix + "'");
        }
        this.prefix = prefix;
    }

    public static TopicLayout defaults() {
        return new TopicLayout("ktstr4j");
    }

    public String prefix() {
        return prefix;
    }

    public String name(String suffix) {
        return prefix + "." + suffix;
    }

    /** Every topic's full name → spec, in declaration order. */
    public Map<String, TopicSpec> topics() {
        Map<String, TopicSpec> m = new LinkedHashMap<>();
        for (TopicSpec s : SPECS) {
            m.put(name(s.suffix()), s);
        }
        return m;
    }

    public List<String> allNames() {
        return List.copyOf(topics().keySet());
    }

    private static TopicSpec spec(String suffix, int partitions, String... kv) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(COMPRESSION_TYPE_CONFIG, COMPRESSION_TYPE_PRODUCER);
        for (int i = 0; i < kv.length; i += 2) {
            c.put(kv[i], kv[i + 1]);
        }
        return new TopicSpec(suffix, partitions, Map.copyOf(c));
    }
}
