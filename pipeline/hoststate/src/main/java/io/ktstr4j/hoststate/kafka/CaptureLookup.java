package io.ktstr4j.hoststate.kafka;

import io.ktstr4j.hoststate.CaptureRef;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.KafkaUnavailableException;
import io.ktstr4j.sink.kafka.KtstrHeaders;
import io.ktstr4j.sink.kafka.TopicLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Finds a capture on the hoststate topic for a {@link CaptureRef.Run} or {@link CaptureRef.Host}: reads from the
 * beginning to the end offsets seen at the start, without a group (nothing is committed). A host's captures are keyed
 * by its name, so only that key's partition is read; a run's captures may be of any host, so every partition is.
 */
public final class CaptureLookup {
    private CaptureLookup() {
    }

    public static Optional<HostStateSnapshot> find(KafkaSinkConfig kafka, CaptureRef ref) {
        String topic = new TopicLayout(kafka.topicPrefix()).name(TopicLayout.HOSTSTATE);
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ktstr4j-host-state-lookup");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) kafka.connectTimeout().toMillis());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.putAll(kafka.clientProperties());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<PartitionInfo> info = c.partitionsFor(topic, kafka.connectTimeout());
            if (info == null || info.isEmpty()) {
                throw new IllegalArgumentException(ref + ": there is no topic " + topic + " at " + kafka.bootstrap()
                        + " (nothing was published with --kafka-topic-prefix " + kafka.topicPrefix() + ")");
            }
            List<TopicPartition> parts = new ArrayList<>();
            if (ref instanceof CaptureRef.Host h) {
                // The producer's default partitioner: murmur2 of the key, modulo the partition count.
                byte[] key = h.host().getBytes(StandardCharsets.UTF_8);
                parts.add(new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % info.size()));
            } else {
                info.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            CaptureRecords records = new CaptureRecords();
            HostStateSnapshot best = null;
            long lastProgress = System.nanoTime();
            while (behind(c, end)) {
                var got = c.poll(Duration.ofMillis(500));
                if (got.isEmpty() && System.nanoTime() - lastProgress > kafka.connectTimeout().toNanos() * 3) {
                    throw new KafkaUnavailableException(ref + ": no record from " + topic + " while behind its end "
                            + "offsets " + end + " (is the cluster still there?)", null);
                }
                for (ConsumerRecord<byte[], byte[]> r : got) {
                    lastProgress = System.nanoTime();
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition())) || passBy(ref, r)) {
                        continue;
                    }
                    for (HostStateSnapshot s : records.captures(r.topic(), r.partition(), r.offset(),
                            KtstrHeaders.lookup(r.headers()), r.value())) {
                        if (matches(ref, s) && (best == null || s.capturedAtUnixNs() >= best.capturedAtUnixNs())) {
                            best = s;
                        }
                    }
                }
            }
            return Optional.ofNullable(best);
        } catch (KafkaException e) {
            throw new KafkaUnavailableException(ref + ": " + topic + " at " + kafka.bootstrap() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * A record that cannot hold the capture, told from its key or headers without decoding it: another host's key, or
     * a whole record of another run (the parts of a split value are all read: they are reassembled in order).
     */
    private static boolean passBy(CaptureRef ref, ConsumerRecord<byte[], byte[]> r) {
        if (ref instanceof CaptureRef.Host h) {
            return r.key() != null && !h.host().equals(new String(r.key(), StandardCharsets.UTF_8));
        }
        var header = KtstrHeaders.lookup(r.headers());
        String run = header.apply(KtstrHeaders.RUN_ID);
        return header.apply(KtstrHeaders.PART) == null && run != null
                && !run.equals(((CaptureRef.Run) ref).runId());
    }

    static boolean matches(CaptureRef ref, HostStateSnapshot s) {
        if (ref instanceof CaptureRef.Run r) {
            return r.runId().equals(s.runId()) && r.phase() == s.phase();
        }
        CaptureRef.Host h = (CaptureRef.Host) ref;
        return h.host().equals(s.hostname())
                && (h.at() == null || s.capturedAtUnixNs() <= h.at().getEpochSecond() * 1_000_000_000L + h.at().getNano());
    }

    private static boolean behind(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return true;
            }
        }
        return false;
    }
}
