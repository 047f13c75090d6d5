package io.ktstr4j.sink.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real broker the kafka-tagged tests of this JVM share. In order of preference: an existing cluster given with
 * {@code -Dktstr4j.test.kafka=HOST:PORT}; Testcontainers' Kafka ({@code apache/kafka}) where a Docker engine answers;
 * else ktstr4j's own {@link EmbeddedKafka} (a KRaft broker in a child JVM on 127.0.0.1, from the Maven Central jars),
 * which is what runs on machines without Docker. {@link #kind()} says which one it was.
 */
final class TestBroker {
    /** The Kafka image matching the kafka-clients version the project pins. */
    static final String IMAGE = "apache/kafka:4.3.1";

    private static String bootstrap;
    private static String kind;
    private static AutoCloseable owner;

    private TestBroker() {
    }

    static synchronized String bootstrap() {
        if (bootstrap == null) {
            String external = System.getProperty("ktstr4j.test.kafka");
            if (external != null && !external.isBlank()) {
                bootstrap = external;
                kind = "external cluster " + external;
            } else if (dockerAvailable()) {
                org.testcontainers.kafka.KafkaContainer c = new org.testcontainers.kafka.KafkaContainer(IMAGE);
                c.start();
                owner = c;
                bootstrap = c.getBootstrapServers();
                kind = "Testcontainers " + IMAGE;
            } else {
                try {
                    Path dir = Files.createTempDirectory("ktstr4j-test-kafka");
                    EmbeddedKafka broker = new EmbeddedKafka();
                    bootstrap = broker.start(dir);
                    owner = broker;
                    kind = "embedded KRaft broker (no Docker here)";
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            AutoCloseable o = owner;
            if (o != null) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        o.close();
                    } catch (Exception ignored) {
                        // the JVM is exiting
                    }
                }));
            }
            System.out.println("kafka tests use: " + kind + " at " + bootstrap);
        }
        return bootstrap;
    }

    static synchronized String kind() {
        bootstrap();
        return kind;
    }

    /** Whether a Docker engine answers (Testcontainers' own check; false on machines without one). */
    static boolean dockerAvailable() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
