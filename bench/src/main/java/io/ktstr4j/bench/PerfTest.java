package io.ktstr4j.bench;

import io.ktstr4j.sink.kafka.KafkaTransport;
import io.ktstr4j.sink.kafka.TopicAdmin;
import io.ktstr4j.sink.kafka.TopicLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Kafka's own {@code kafka-producer-perf-test} ({@link ProducerPerformance}, from kafka-tools) run in this JVM against
 * the sink's broker: the yardstick for the sink's throughput. It gets
 * <ul>
 *   <li>the sink's producer settings ({@link KafkaTransport#producerProperties}: acks=all, idempotent, zstd, linger
 *       5 ms, batch 512 KiB, the same buffer and request sizes), passed as {@code --producer-props};</li>
 *   <li>records of the same sizes and content: a sample of the record values the sink had acknowledged in the round
 *       before (NDJSON batches of monitor samples and the rest), as a {@code --payload-file} with a delimiter that
 *       JSON text never holds (perf-test sends a random one of them per record);</li>
 *   <li>a topic of its own shaped like the monitor topic (same partitions and configs).</li>
 * </ul>
 * Its result is its own closing line, parsed from its standard output (redirected while it runs).
 */
final class PerfTest {
    /** How many of the sink's record values perf-test chooses from. */
    static final int PAYLOADS = 128;
    /** ASCII record separator: never in JSON text (control characters are escaped there), so never in a payload. */
    private static final String DELIMITER = "\u001e";
    private static final Pattern TOTAL = Pattern.compile(
            "(\\d+) records sent, ([0-9.]+) records/sec \\(([0-9.]+) MB/sec\\), ([0-9.]+) ms avg latency, ([0-9.]+) ms "
                    + "max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th");

    record Figures(long records, double recordsPerSec, double mbPerSec, double avgMs, int p50Ms, int p99Ms) {
    }

    private PerfTest() {
    }

    /** Runs perf-test once: {@code numRecords} records drawn from {@code payloads}; returns its closing figures. */
    static Figures run(String bootstrap, String prefix, List<byte[]> payloads, long numRecords) throws IOException {
        if (payloads.isEmpty()) {
            throw new IllegalArgumentException("no payloads for perf-test (the sink acknowledged nothing)");
        }
        String topic = prefix + ".perftest";
        createTopic(bootstrap, topic);
        Path file = Files.createTempFile("ktstr4j-perftest", ".ndjson");
        try {
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int i = 0; i < payloads.size(); i++) {
                    if (i > 0) {
                        out.write(DELIMITER.getBytes(StandardCharsets.US_ASCII));
                    }
                    byte[] p = payloads.get(i);
                    // perf-test splits on the delimiter, and its payloads are the parts' UTF-8 bytes: check both.
                    for (byte b : p) {
                        if (b == 0x1e) {
                            throw new IllegalStateException("a payload holds the delimiter");
                        }
                    }
                    out.write(p);
                }
            }
            List<String> args = new ArrayList<>(List.of("--topic", topic, "--num-records", String.valueOf(numRecords),
                    "--throughput", "-1", "--payload-file", file.toString(), "--payload-delimiter", DELIMITER,
                    "--producer-props"));
            producerProps(bootstrap).forEach((k, v) -> args.add(k + "=" + v));
            // A bad argument makes perf-test call Exit.exit: make that an exception here, not the end of the JVM.
            org.apache.kafka.common.utils.Exit.setExitProcedure((code, msg) -> {
                throw new IllegalStateException("perf-test exited with " + code + ": " + msg);
            });
            String output;
            try {
                output = captured(() -> ProducerPerformance.main(args.toArray(String[]::new)));
            } finally {
                org.apache.kafka.common.utils.Exit.resetExitProcedure();
            }
            Figures f = null;
            for (String line : output.split("\n")) {
                Matcher m = TOTAL.matcher(line);
                if (m.find()) {
                    f = new Figures(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                            Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)),
                            Integer.parseInt(m.group(6)), Integer.parseInt(m.group(8)));
                }
            }
            if (f == null) {
                throw new IllegalStateException("no closing line in perf-test's output:\n" + output);
            }
            return f;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The sink's producer settings, as perf-test's {@code --producer-props} (client id and serializers are its own). */
    static Map<String, String> producerProps(String bootstrap) {
        Map<String, String> p = new java.util.TreeMap<>();
        KafkaTransport.producerProperties(bootstrap, Map.of(), io.ktstr4j.sink.kafka.KafkaSinkConfig.of(bootstrap)
                .deliveryTimeout()).forEach((k, v) -> {
                    if (!k.equals("client.id") && !k.endsWith(".serializer")) {
                        p.put(k, String.valueOf(v));
                    }
                });
        p.put("client.id", "perf-test");
        return p;
    }

    private static void createTopic(String bootstrap, String topic) {
        TopicLayout.TopicSpec monitor = TopicLayout.SPECS.stream()
                .filter(s -> s.suffix().equals(TopicLayout.MONITOR)).findFirst().orElseThrow();
        try (TopicAdmin admin = new TopicAdmin(bootstrap, Map.of(), Duration.ofSeconds(30))) {
            try {
                admin.admin().createTopics(List.of(new NewTopic(topic, monitor.partitions(), (short) 1)
                        .configs(monitor.configs()))).all().get(30, TimeUnit.SECONDS);
                // As for the sink's topics: let every partition get its leader before the first record.
                Thread.sleep(500);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create " + topic + ": " + e.getCause(), e.getCause());
                }
            } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("cannot create " + topic + ": " + e, e);
            }
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} with System.out going to a buffer (echoed to stderr, so a long run shows progress). */
    private static String captured(Body body) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                buf.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                buf.write(b, off, len);
                if (Boolean.getBoolean("kafkabench.verbose")) {
                    System.err.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8);
        System.setOut(tee);
        try {
            body.run();
        } catch (Exception e) {
            throw new IllegalStateException("perf-test failed: " + e + "\n" + buf.toString(StandardCharsets.UTF_8), e);
        } finally {
            System.out.flush();
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
