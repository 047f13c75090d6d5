package io.ktstr4j.regressions;

import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.KafkaUnavailableException;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.stats.StatsInputException;
import io.ktstr4j.stats.store.IngestResult;
import io.ktstr4j.stats.store.ResultsStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code stats ingest --kafka}: the results topic into the results store, from where the group's last ingest stopped
 * to the end offsets seen at the start. Every partition is assigned to this one consumer (no rebalance to wait for);
 * the group only keeps the offsets, committed after each batch is stored. A crash between the store and the commit
 * reads that batch again, and the store keeps each result once. A record that cannot be read is skipped, named
 * ({@link SkippedRecords}) and passed: the next ingest does not meet it again.
 */
public final class TopicIngest {
    /** How long the ingest waits for a record while behind the end offsets before it gives up. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

    /** What one ingest did. */
    public record Summary(String topic, String group, long records, long results, long stored, long duplicates,
                          SkippedRecords skipped) {
        /** The summary line {@code stats ingest --kafka} prints. */
        public String line(String store) {
            return "ingested " + stored + " new result" + (stored == 1 ? "" : "s") + ", " + duplicates
                    + " already stored, " + skipped.describe() + " from " + records + " record"
                    + (records == 1 ? "" : "s") + " of " + topic + " (group " + group + ") into " + store;
        }
    }

    private TopicIngest() {
    }

    /** The default consumer group: one per topic prefix. */
    public static String defaultGroup(String topicPrefix) {
        return topicPrefix + "-stats-ingest";
    }

    public static Summary run(KafkaSinkConfig kafka, String group, ResultsStore store) throws SQLException {
        String topic = new TopicLayout(kafka.topicPrefix()).name(TopicLayout.RESULTS);
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ktstr4j-stats-ingest");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) kafka.connectTimeout().toMillis());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.putAll(kafka.clientProperties());
        SkippedRecords skipped = new SkippedRecords("stats ingest");
        ResultRecords reader = new ResultRecords();
        long records = 0;
        long results = 0;
        long stored = 0;
        long duplicates = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = partitions(c, topic, kafka);
            c.assign(parts);
            Map<TopicPartition, OffsetAndMetadata> committed = c.committed(new java.util.HashSet<>(parts));
            List<TopicPartition> fresh = new ArrayList<>();
            for (TopicPartition tp : parts) {
                OffsetAndMetadata o = committed.get(tp);
                if (o == null) {
                    fresh.add(tp);
                } else {
                    c.seek(tp, o.offset());
                }
            }
            if (!fresh.isEmpty()) {
                c.seekToBeginning(fresh); // an empty list would mean every assigned partition
            }
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long lastProgress = System.nanoTime();
            while (behind(c, end)) {
                ConsumerRecords<byte[], byte[]> got = c.poll(Duration.ofMillis(500));
                if (got.isEmpty()) {
                    if (System.nanoTime() - lastProgress > STALL_TIMEOUT.toNanos()) {
                        throw new KafkaUnavailableException("stats ingest: no record from " + topic + " for "
                                + STALL_TIMEOUT.toSeconds() + " s while behind its end offsets " + end
                                + " (is the cluster still there?)", null);
                    }
                    continue;
                }
                lastProgress = System.nanoTime();
                List<SidecarResult> batch = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : got) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // past the end seen at the start: the next ingest takes it
                    }
                    records++;
                    try {
                        batch.addAll(reader.sidecars(r));
                    } catch (BadRecordException e) {
                        skipped.skip(ResultRecords.source(r.topic(), r.partition(), r.offset()), e.getMessage());
                    }
                }
                IngestResult in = store.ingest(batch);
                results += batch.size();
                stored += in.stored();
                duplicates += in.duplicates();
                c.commitSync(positions(c, end));
            }
        } catch (KafkaException e) {
            throw new KafkaUnavailableException("stats ingest: " + topic + " at " + kafka.bootstrap() + ": "
                    + e.getMessage(), e);
        }
        return new Summary(topic, group, records, results, stored, duplicates, skipped);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic,
                                                   KafkaSinkConfig kafka) {
        List<PartitionInfo> info = c.partitionsFor(topic, kafka.connectTimeout());
        if (info == null || info.isEmpty()) {
            throw new StatsInputException("--kafka " + kafka.bootstrap() + ": there is no topic " + topic
                    + " (nothing was published with --kafka-topic-prefix " + kafka.topicPrefix() + ")");
        }
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo pi : info) {
            out.add(new TopicPartition(topic, pi.partition()));
        }
        return out;
    }

    private static boolean behind(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return true;
            }
        }
        return false;
    }

    /** The offsets to commit: where the consumer is, but never past the end seen at the start. */
    private static Map<TopicPartition, OffsetAndMetadata> positions(KafkaConsumer<byte[], byte[]> c,
                                                                    Map<TopicPartition, Long> end) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            out.put(e.getKey(), new OffsetAndMetadata(Math.min(c.position(e.getKey()), e.getValue())));
        }
        return out;
    }
}
