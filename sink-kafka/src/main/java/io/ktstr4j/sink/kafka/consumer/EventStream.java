package io.ktstr4j.sink.kafka.consumer;

import io.ktstr4j.schemas.SchemaException;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.EventCodec;
import io.ktstr4j.sink.kafka.RecordDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads ktstr4j topics back as events: decodes batches and split values ({@link RecordDecoder}), parses each line
 * with the schemas codec, and drops duplicates ({@link Deduper}). Without a group id it reads every partition from the
 * beginning (a tool's view); with one it joins the group and commits offsets. Plain kafka-clients consumer: blocking,
 * so {@link #flux()} runs it on a dedicated thread.
 */
public final class EventStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    /** One event as consumed, with where it came from. */
    public record Delivered(String topic, int partition, long offset, String key, Map<String, String> headers,
                            RunEvent event) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final RecordDecoder decoder = new RecordDecoder();
    private final Deduper deduper = new Deduper();
    private final boolean dedupe;
    private long malformed;

    public EventStream(String bootstrap, Map<String, String> clientProperties, String groupId, List<String> topics,
                       boolean dedupe) {
        this.dedupe = dedupe;
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ktstr4j-consumer");
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        } else {
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        }
        p.putAll(clientProperties);
        consumer = new KafkaConsumer<>(p);
        if (groupId != null) {
            consumer.subscribe(topics);
        } else {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                List<PartitionInfo> info = consumer.partitionsFor(t, Duration.ofSeconds(10));
                if (info != null) {
                    for (PartitionInfo pi : info) {
                        parts.add(new TopicPartition(t, pi.partition()));
                    }
                }
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }
    }

    /** Events from one poll, in consumption order (per partition: offset order). */
    public List<Delivered> poll(Duration timeout) {
        List<Delivered> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header h : r.headers()) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            for (byte[] line : decoder.decode(r)) {
                RunEvent e;
                try {
                    e = EventCodec.decode(line, r.topic() + "/" + r.partition() + "@" + r.offset());
                } catch (SchemaException x) {
                    malformed++;
                    log.warn("skipping a malformed event: {}", x.getMessage());
                    continue;
                }
                if (!dedupe || deduper.firstTime(r.topic(), e)) {
                    out.add(new Delivered(r.topic(), r.partition(), r.offset(), key, headers, e));
                }
            }
        }
        return out;
    }

    /** Polls until {@code count} events arrived or the timeout passed; returns what arrived. */
    public List<Delivered> pollUntil(int count, Duration timeout) {
        List<Delivered> all = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (all.size() < count && System.nanoTime() < deadline) {
            all.addAll(poll(Duration.ofMillis(200)));
        }
        return all;
    }

    /** Duplicates dropped so far. */
    public long duplicates() {
        return deduper.dropped();
    }

    /** Lines that did not parse, and split values that could not be reassembled. */
    public long malformed() {
        return malformed + decoder.broken();
    }

    /**
     * A live stream of events on a dedicated thread; cancelling it stops polling and closes the consumer. Use either
     * this or {@link #poll}, not both.
     */
    public Flux<Delivered> flux() {
        return Flux.create(sink -> {
            Thread t = new Thread(() -> pump(sink), "ktstr4j-event-stream");
            t.setDaemon(true);
            sink.onDispose(consumer::wakeup);
            t.start();
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    private void pump(FluxSink<Delivered> sink) {
        try {
            while (!sink.isCancelled()) {
                for (Delivered d : poll(Duration.ofMillis(500))) {
                    sink.next(d);
                }
            }
        } catch (WakeupException e) {
            // cancelled
        } catch (RuntimeException e) {
            sink.error(e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
            sink.complete();
        }
    }

    @Override
    public void close() {
        try {
            consumer.close(Duration.ofSeconds(2));
        } catch (IllegalStateException ignored) {
            // Already closed by flux().
        }
    }
}
