package io.ktstr4j.sink.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How runs are published to Kafka.
 *
 * @param bootstrap          {@code host:port[,host:port…]} of an existing cluster, or {@code embedded} to start a
 *                           single-node broker in a child JVM (see {@link EmbeddedKafka}) with data in
 *                           {@code embeddedDataDir}
 * @param clientProperties   passed to every Kafka client as is, after ktstr4j's defaults (so they win): SASL/TLS
 *                           settings ({@code security.protocol}, {@code sasl.jaas.config}, {@code ssl.truststore.location}…)
 *                           or producer tuning
 * @param onUnavailable      what to do when the cluster does not answer at the start of a run
 * @param spoolDir           where events go when Kafka is slow or absent (append-only, fsynced segments)
 * @param bufferEvents       in-memory buffer between the run and the producer; when it is full, events go to the spool
 * @param topicPrefix        topic names are {@code <prefix>.lifecycle} etc.
 * @param createTopics       create missing topics with {@link TopicLayout}'s partitions/configs at the start
 * @param connectTimeout     how long the start-of-run check waits for the cluster
 * @param deliveryTimeout    producer {@code delivery.timeout.ms}: after this an unacknowledged record goes to the spool
 * @param drainTimeout       at the end of a run, how long to keep trying to replay the spool before leaving it on disk
 * @param maxEventsPerRecord events batched into one Kafka record (per topic and key)
 * @param embeddedDataDir    data directory of the embedded broker
 */
public record KafkaSinkConfig(String bootstrap, Map<String, String> clientProperties, OnUnavailable onUnavailable,
                              Path spoolDir, int bufferEvents, String topicPrefix, boolean createTopics,
                              Duration connectTimeout, Duration deliveryTimeout, Duration drainTimeout,
                              int maxEventsPerRecord, Path embeddedDataDir) {

    /** Behaviour when the cluster is unreachable at the start of a run. */
    public enum OnUnavailable {
        /** Fail the publish at once with a message naming the address (the user asked for Kafka). */
        FAIL_FAST,
        /** Warn, write the run to the spool, and replay it if the cluster comes back. */
        SPOOL
    }

    public static final String EMBEDDED = "embedded";

    public KafkaSinkConfig {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("kafka bootstrap must be 'embedded' or host:port[,host:port...], got '"
                    + bootstrap + "'");
        }
        if (!bootstrap.equals(EMBEDDED)) {
            for (String hp : bootstrap.split(",")) {
                int colon = hp.trim().lastIndexOf(':');
                if (colon <= 0 || !hp.trim().substring(colon + 1).matches("\\d{1,5}")) {
                    throw new IllegalArgumentException("kafka bootstrap entry '" + hp.trim()
                            + "' is not host:port (expected e.g. 127.0.0.1:9092, or 'embedded')");
                }
            }
        }
        clientProperties = Map.copyOf(clientProperties == null ? Map.of() : clientProperties);
        Objects.requireNonNull(onUnavailable, "onUnavailable");
        Objects.requireNonNull(spoolDir, "spoolDir");
        if (bufferEvents < 1) {
            throw new IllegalArgumentException("kafka buffer size must be >= 1 event, got " + bufferEvents);
        }
        if (maxEventsPerRecord < 1) {
            throw new IllegalArgumentException("kafka maxEventsPerRecord must be >= 1, got " + maxEventsPerRecord);
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(embeddedDataDir, "embeddedDataDir");
        new TopicLayout(topicPrefix); // validates the prefix
    }

    /** Defaults: fail fast, spool under {@code ~/.cache/ktstr4j/spool}, 65 536-event buffer. */
    public static KafkaSinkConfig of(String bootstrap) {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "ktstr4j");
        return new KafkaSinkConfig(bootstrap, Map.of(), OnUnavailable.FAIL_FAST, cache.resolve("spool"), 65_536,
                "ktstr4j", true, Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(60), 500,
                cache.resolve("kafka"));
    }

    public boolean embedded() {
        return bootstrap.equals(EMBEDDED);
    }

    public KafkaSinkConfig withOnUnavailable(OnUnavailable v) {
        return new KafkaSinkConfig(bootstrap, clientProperties, v, spoolDir, bufferEvents, topicPrefix, createTopics,
                connectTimeout, deliveryTimeout, drainTimeout, maxEventsPerRecord, embeddedDataDir);
    }

    public KafkaSinkConfig withSpoolDir(Path v) {
        return new KafkaSinkConfig(bootstrap, clientProperties, onUnavailable, v, bufferEvents, topicPrefix,
                createTopics, connectTimeout, deliveryTimeout, drainTimeout, maxEventsPerRecord, embeddedDataDir);
    }

    public KafkaSinkConfig withBufferEvents(int v) {
        return new KafkaSinkConfig(bootstrap, clientProperties, onUnavailable, spoolDir, v, topicPrefix, createTopics,
                connectTimeout, deliveryTimeout, drainTimeout, maxEventsPerRecord, embeddedDataDir);
    }

    public KafkaSinkConfig withClientProperties(Map<String, String> v) {
        return new KafkaSinkConfig(bootstrap, v, onUnavailable, spoolDir, bufferEvents, topicPrefix, createTopics,
                connectTimeout, deliveryTimeout, drainTimeout, maxEventsPerRecord, embeddedDataDir);
    }

    public KafkaSinkConfig withTopicPrefix(String v) {
        return new KafkaSinkConfig(bootstrap, clientProperties, onUnavailable, spoolDir, bufferEvents, v, createTopics,
                connectTimeout, deliveryTimeout, drainTimeout, maxEventsPerRecord, embeddedDataDir);
    }

    public KafkaSinkConfig withTimeouts(Duration connect, Duration delivery, Duration drain) {
        return new KafkaSinkConfig(bootstrap, clientProperties, onUnavailable, spoolDir, bufferEvents, topicPrefix,
                createTopics, connect, delivery, drain, maxEventsPerRecord, embeddedDataDir);
    }

    public KafkaSinkConfig withMaxEventsPerRecord(int v) {
        return new KafkaSinkConfig(bootstrap, clientProperties, onUnavailable, spoolDir, bufferEvents, topicPrefix,
                createTopics, connectTimeout, deliveryTimeout, drainTimeout, v, embeddedDataDir);
    }

    public KafkaSinkConfig withEmbeddedDataDir(Path v) {
        return new KafkaSinkConfig(bootstrap, clientProperties, onUnavailable, spoolDir, bufferEvents, topicPrefix,
                createTopics, connectTimeout, deliveryTimeout, drainTimeout, maxEventsPerRecord, v);
    }

    public KafkaSinkConfig withBootstrap(String v) {
        return new KafkaSinkConfig(v, clientProperties, onUnavailable, spoolDir, bufferEvents, topicPrefix,
                createTopics, connectTimeout, deliveryTimeout, drainTimeout, maxEventsPerRecord, embeddedDataDir);
    }
}
