package io.ktstr4j.sink.kafka;

import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.SenderRecord;

/**
 * The one class that uses reactor-kafka (discontinued upstream; replacing it means rewriting only this file).
 * Records are fed into one long-lived {@code KafkaSender.send(Flux)} with {@code stopOnError=false}, so a record that
 * fails (timeout, broker gone) is reported to its callback and the stream goes on. Idempotent producer, acks=all, zstd.
 * {@link #send} never blocks; the caller bounds the number of records in flight.
 */
public final class KafkaTransport implements AutoCloseable {
    /** Called once per record: {@code error} is null when the broker acknowledged it. */
    public interface Callback {
        void done(Throwable error);
    }

    private final KafkaSender<byte[], byte[]> sender;
    private final Sinks.Many<SenderRecord<byte[], byte[], Long>> input =
            Sinks.many().unicast().onBackpressureBuffer();
    private final Map<Long, Callback> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean broken = new AtomicBoolean();
    private final Disposable subscription;
    private volatile Throwable fatal;

    public KafkaTransport(String bootstrap, Map<String, String> clientProperties, Duration deliveryTimeout) {
        Map<String, Object> p = producerProperties(bootstrap, clientProperties, deliveryTimeout);
        SenderOptions<byte[], byte[]> options = SenderOptions.<byte[], byte[]>create(p)
                .stopOnError(false)
                // By the time we close, every record is acknowledged or spooled: do not wait for an absent broker.
                .closeTimeout(Duration.ofSeconds(1))
                .maxInFlight(4096);
        sender = KafkaSender.create(options);
        subscription = sender.send(input.asFlux()).subscribe(
                r -> complete(r.correlationMetadata(), r.exception()),
                this::failAll,
                () -> failAll(new IllegalStateException("kafka sender completed")));
    }

    /** ktstr4j's producer settings; {@code clientProperties} are applied last and win. */
    public static Map<String, Object> producerProperties(String bootstrap, Map<String, String> clientProperties,
                                                         Duration deliveryTimeout) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        // Ordering per key with retries needs idempotence; 5 in flight is its maximum.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
        // Our records are at most RecordEncoder's part size (512 KiB) plus headers.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1 << 20);
        // Deliberate timeouts: a dead broker must turn into spooled records within deliveryTimeout, and send() must
        // not block the sender thread on metadata for long.
        int delivery = (int) deliveryTimeout.toMillis();
        int request = Math.max(1000, Math.min(10_000, delivery / 2));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(delivery, request + 5 + 1));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(5000, delivery));
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ktstr4j-publisher");
        p.putAll(clientProperties);
        return p;
    }

    /** Hands a record to the producer; {@code cb} runs on a Kafka thread when it is acknowledged or has failed. */
    public void send(OutRecord r, Callback cb) {
        long id = ids.incrementAndGet();
        Throwable f = fatal;
        if (f != null) {
            cb.done(f);
            return;
        }
        pending.put(id, cb);
        List<org.apache.kafka.common.header.Header> headers = new ArrayList<>(r.headers().size());
        for (OutRecord.Header h : r.headers()) {
            headers.add(new RecordHeader(h.name(), h.value()));
        }
        ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(r.topic(), null, r.key(), r.value(), headers);
        Sinks.EmitResult res;
        synchronized (input) {
            res = input.tryEmitNext(SenderRecord.create(pr, id));
        }
        if (res.isFailure()) {
            complete(id, new IllegalStateException("kafka sender refused the record: " + res));
        }
    }

    /** Whether the underlying stream failed for good (a new transport is needed). */
    public boolean isBroken() {
        return broken.get();
    }

    public int inFlight() {
        return pending.size();
    }

    private void complete(long id, Exception error) {
        Callback cb = pending.remove(id);
        if (cb != null) {
            cb.done(error);
        }
    }

    private void failAll(Throwable t) {
        fatal = t;
        broken.set(true);
        for (Long id : new ArrayList<>(pending.keySet())) {
            Callback cb = pending.remove(id);
            if (cb != null) {
                cb.done(t);
            }
        }
    }

    @Override
    public void close() {
        synchronized (input) {
            input.tryEmitComplete();
        }
        subscription.dispose();
        sender.close();
        failAll(new IllegalStateException("kafka transport closed"));
    }
}
