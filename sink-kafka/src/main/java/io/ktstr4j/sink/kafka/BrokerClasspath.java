package io.ktstr4j.sink.kafka;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the classpath of the embedded broker's child JVM, in this order:
 * <ol>
 *   <li>system property {@code ktstr4j.kafka.classpath} or environment {@code KTSTR4J_KAFKA_CLASSPATH};</li>
 *   <li>{@code broker.classpath}, written into this module's jar at build time by maven-dependency-plugin (the
 *       kafka_2.13 jars in the local Maven repository of the machine that built it);</li>
 *   <li>this JVM's own classpath, if it already holds the broker (tests).</li>
 * </ol>
 * Plus the jar or directory holding {@link BrokerMain}.
 */
public final class BrokerClasspath {
    public static final String PROPERTY = "ktstr4j.kafka.classpath";
    public static final String ENV = "KTSTR4J_KAFKA_CLASSPATH";
    private static final String RESOURCE = "broker.classpath";

    private BrokerClasspath() {
    }

    public static String resolve() {
        String explicit = System.getProperty(PROPERTY, System.getenv(ENV));
        List<String> tried = new ArrayList<>();
        if (explicit != null && !explicit.isBlank()) {
            List<String> missing = missing(explicit);
            if (!missing.isEmpty()) {
                throw new IllegalStateException("the Kafka broker classpath given by " + PROPERTY + "/" + ENV
                        + " names files that do not exist: " + missing);
            }
            return withSelf(explicit);
        }
        try (InputStream in = BrokerClasspath.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                String cp = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                List<String> missing = missing(cp);
                if (missing.isEmpty() && !cp.isEmpty()) {
                    return withSelf(cp);
                }
                tried.add("build-time list " + RESOURCE + " (missing " + missing.size() + " jars, e.g. "
                        + (missing.isEmpty() ? "all" : missing.get(0)) + ")");
            } else {
                tried.add("build-time list " + RESOURCE + " (not in the jar)");
            }
        } catch (IOException e) {
            tried.add("build-time list " + RESOURCE + " (" + e.getMessage() + ")");
        }
        if (BrokerClasspath.class.getClassLoader().getResource("kafka/Kafka.class") != null) {
            return withSelf(System.getProperty("java.class.path"));
        }
        tried.add("this JVM's classpath (no kafka.Kafka)");
        throw new IllegalStateException("cannot find the Kafka broker jars (org.apache.kafka:kafka_2.13) for the "
                + "embedded broker; tried " + String.join("; ", tried) + ". Rebuild with 'mvn -pl sink-kafka -am "
                + "install' so the jars are in the local Maven repository, or set " + ENV + " to a classpath.");
    }

    private static List<String> missing(String cp) {
        List<String> out = new ArrayList<>();
        for (String p : cp.split(File.pathSeparator)) {
            if (!p.isBlank() && !Files.exists(Path.of(p))) {
                out.add(p);
            }
        }
        return out;
    }

    private static String withSelf(String cp) {
        Set<String> parts = new LinkedHashSet<>();
        try {
            parts.add(Path.of(BrokerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot locate the ktstr4j sink-kafka classes for the broker's child JVM", e);
        }
        for (String p : cp.split(File.pathSeparator)) {
            if (!p.isBlank()) {
                parts.add(p);
            }
        }
        return String.join(File.pathSeparator, parts);
    }
}
