package io.ktstr4j.regressions;

import io.ktstr4j.schemas.event.AnalysisSummary;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Independent Kafka clients for the kafka-tagged tests (a fixture the CLI tests share): a plain producer that writes
 * results as the publisher does, and a plain read-committed consumer of the regressions topic, so what the tests
 * check is what any other reader would see, not what the watch says about itself.
 */
public final class KafkaFixture {

    private KafkaFixture() {
    }

    /** One event of the regressions topic with its record key. */
    public record Keyed(String key, RunEvent event) {
    }

    /** Sends the results' records (verdict and sidecar, as {@code ktstr4j run} does) and waits for the acks. */
    public static void publish(String bootstrap, TopicLayout layout, List<SidecarResult> results) {
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            // Metadata first, as the publisher does: a batch sent while a new topic's metadata arrives can sit
            // until its delivery timeout (docs/kafka.md, KAFKA-15591).
            p.partitionsFor(layout.name(TopicLayout.RESULTS));
            for (SidecarResult r : results) {
                for (OutRecord o : PublishedResults.records(r, layout)) {
                    ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(o.topic(), o.key(), o.value());
                    o.headers().forEach(h -> pr.headers().add(h.name(), h.value()));
                    p.send(pr);
                }
            }
            p.flush();
        }
    }

    /** Sends one raw record (a foreign producer's, say). */
    public static void publishRaw(String bootstrap, String topic, byte[] key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            p.partitionsFor(topic);
            p.send(new ProducerRecord<>(topic, key, value));
            p.flush();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        // Each result has a key of its own, so order across records does not matter; a bulk of new partitions on a
        // loaded 2-core machine made the idempotent producer reset its sequence numbers and stall
        // (OutOfOrderSequenceException on the broker), and a copy from a retry is what the watch drops anyway.
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 << 10);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(c);
    }

    /**
     * Reads the regressions topic from its beginning with isolation.level=read_committed until {@code done} holds for
     * what was read or the timeout passes; returns everything read.
     */
    public static List<Keyed> readCommitted(String bootstrap, TopicLayout layout, Predicate<List<Keyed>> done,
                                            Duration timeout) {
        String topic = layout.name(TopicLayout.REGRESSIONS);
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<Keyed> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                parts.add(new TopicPartition(topic, pi.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Map<String, String> h = new LinkedHashMap<>();
                    for (Header x : r.headers()) {
                        h.put(x.key(), new String(x.value(), StandardCharsets.UTF_8));
                    }
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    PublishedResults.events(topic, List.of(r.value()), List.of(h))
                            .forEach(e -> out.add(new Keyed(key, e)));
                }
            }
        }
        return out;
    }

    /** The summaries among the events. */
    public static List<AnalysisSummary> summaries(List<Keyed> events) {
        return events.stream().map(Keyed::event).filter(e -> e.body() instanceof AnalysisSummary)
                .map(e -> (AnalysisSummary) e.body()).toList();
    }

    /** How many events each event id has: exactly-once means 1 everywhere. */
    public static Map<String, Integer> countsById(List<Keyed> events) {
        Map<String, Integer> out = new HashMap<>();
        events.forEach(k -> out.merge(k.event().eventId(), 1, Integer::sum));
        return out;
    }
}
