package io.ktstr4j.cli.kafka;

import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The Kafka options shared by {@code ktstr4j run}, {@code ktstr4j kafka …}, {@code stats ingest --kafka} and
 * {@code stats watch}, so all spell them the same way.
 * Client properties from {@code --kafka-config FILE} come first, then every {@code --kafka-property}; both are given to
 * every Kafka client after ktstr4j's own defaults (SASL/TLS: {@code security.protocol}, {@code sasl.mechanism},
 * {@code sasl.jaas.config}, {@code ssl.truststore.location}…).
 */
public final class KafkaClientOptions {

    @Option(names = "--kafka", paramLabel = "embedded|HOST:PORT[,HOST:PORT…]",
            description = "Kafka cluster: 'embedded' starts a local single-node broker, else a bootstrap address.")
    public String bootstrap;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "Kafka client property (repeatable), e.g. security.protocol=SASL_SSL.")
    public Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties file (SASL/TLS settings); --kafka-property entries override it.")
    public Path configFile;

    @Option(names = "--kafka-fallback", paramLabel = "fail|spool", defaultValue = "fail",
            description = "When the cluster does not answer: fail at once (default), or warn and spool the events "
                    + "for a later replay.")
    public String onUnavailable;

    @Option(names = "--kafka-spool", paramLabel = "DIR",
            description = "Spool directory for events Kafka did not take (default: ~/.cache/ktstr4j/spool).")
    public Path spoolDir;

    @Option(names = "--kafka-topic-prefix", paramLabel = "PREFIX", defaultValue = "ktstr4j",
            description = "Topic names are PREFIX.lifecycle, PREFIX.monitor, … (default: ${DEFAULT-VALUE}).")
    public String topicPrefix;

    @Option(names = "--kafka-data-dir", paramLabel = "DIR",
            description = "Data directory of the embedded broker (default: ~/.cache/ktstr4j/kafka).")
    public Path embeddedDataDir;

    @Option(names = "--kafka-drain-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "At the end, how long to keep retrying Kafka for spooled events before leaving them in the "
                    + "spool (default: ${DEFAULT-VALUE}).")
    public int drainTimeoutSeconds = 60;

    public boolean enabled() {
        return bootstrap != null && !bootstrap.isBlank();
    }

    /** The sink configuration these options describe; errors name the option at fault. */
    public KafkaSinkConfig config() {
        if (!enabled()) {
            throw new IllegalArgumentException("--kafka: no cluster given (embedded or HOST:PORT)");
        }
        KafkaSinkConfig c;
        try {
            c = KafkaSinkConfig.of(bootstrap.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--kafka: " + e.getMessage(), e);
        }
        c = c.withClientProperties(clientProperties()).withOnUnavailable(onUnavailable());
        if (spoolDir != null) {
            c = c.withSpoolDir(spoolDir);
        }
        if (embeddedDataDir != null) {
            c = c.withEmbeddedDataDir(embeddedDataDir);
        }
        if (drainTimeoutSeconds < 0) {
            throw new IllegalArgumentException("--kafka-drain-timeout: must be >= 0 seconds, got "
                    + drainTimeoutSeconds);
        }
        c = c.withTimeouts(c.connectTimeout(), c.deliveryTimeout(), java.time.Duration.ofSeconds(drainTimeoutSeconds));
        try {
            return c.withTopicPrefix(topicPrefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--kafka-topic-prefix: " + e.getMessage(), e);
        }
    }

    /**
     * The configuration of a cluster that runs already, for the commands that read or administer one ({@code kafka
     * topics|replay|tail}, {@code stats ingest --kafka}, {@code stats watch}): the address is required and
     * {@code embedded} refused, since an embedded broker lives for one command. Errors name the option.
     */
    public KafkaSinkConfig runningCluster() {
        if (!enabled()) {
            throw new IllegalArgumentException("--kafka HOST:PORT is required");
        }
        KafkaSinkConfig c = config();
        if (c.embedded()) {
            throw new IllegalArgumentException("--kafka embedded only lives for one run; give the address of a "
                    + "running broker (ktstr4j kafka start prints it)");
        }
        return c;
    }

    KafkaSinkConfig.OnUnavailable onUnavailable() {
        return switch (onUnavailable == null ? "fail" : onUnavailable.toLowerCase(Locale.ROOT)) {
            case "fail" -> KafkaSinkConfig.OnUnavailable.FAIL_FAST;
            case "spool" -> KafkaSinkConfig.OnUnavailable.SPOOL;
            default -> throw new IllegalArgumentException("--kafka-fallback: expected 'fail' or 'spool', got '"
                    + onUnavailable + "'");
        };
    }

    Map<String, String> clientProperties() {
        Map<String, String> m = new LinkedHashMap<>();
        if (configFile != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("--kafka-config: cannot read " + configFile + ": "
                        + e.getMessage(), e);
            }
            p.stringPropertyNames().stream().sorted().forEach(k -> m.put(k, p.getProperty(k)));
        }
        m.putAll(properties);
        return m;
    }
}
