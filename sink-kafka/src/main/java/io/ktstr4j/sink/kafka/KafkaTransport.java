package io.ktstr4j.sink.kafka;

import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka {@link Transport}: one idempotent, acks=all, zstd {@link KafkaProducer}, and one sender thread of its own
 * that calls {@code producer.send}. That call can block (on metadata while the broker is away, up to
 * {@code max.block.ms}, or when {@code buffer.memory} is full), so it never runs on the caller's thread: {@link #send}
 * only puts the record into a bounded hand-off queue, and the caller (the publisher) never has more records in flight
 * than that queue holds. The producer's own I/O thread runs the callbacks.
 * <p>Kafka's own client, used directly: reactor-kafka (discontinued upstream in 2025) added a second stream and a
 * scheduler between us and the same producer, and nothing it did is needed here (docs/kafka.md).
 */
public final class KafkaTransport implements Transport {
    private record Pending(ProducerRecord<byte[], byte[]> record, Callback cb) {
    }

    private static final Pending STOP = new Pending(null, null);
    private final Producer<byte[], byte[]> producer;
    private final String bootstrap;
    private final Map<String, String> clientProperties;
    private final Duration probeTimeout;
    private final TopicLayout topics;
    private final java.util.concurrent.ExecutorService prober;
    private final BlockingQueue<Pending> handOff;
    private final Thread sender;
    private volatile boolean closed;

    /**
     * @param maxInFlight how many records the caller may have handed over and not yet seen a callback for
     * @param topics      topics a successful probe creates when missing (the cluster may have been away when the run
     *                    started), or null
     */
    public KafkaTransport(String bootstrap, Map<String, String> clientProperties, Duration deliveryTimeout,
                          Duration probeTimeout, int maxInFlight, TopicLayout topics) {
        this.producer = new KafkaProducer<>(producerProperties(bootstrap, clientProperties, deliveryTimeout));
        this.bootstrap = bootstrap;
        this.clientProperties = Map.copyOf(clientProperties);
        this.probeTimeout = probeTimeout;
        this.topics = topics;
        // Blocking admin calls get a thread of their own: never the caller's, never the admin client's I/O thread.
        this.prober = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ktstr4j-kafka-probe");
            t.setDaemon(true);
            return t;
        });
        this.handOff = new ArrayBlockingQueue<>(maxInFlight + 1);
        this.sender = new Thread(this::sendLoop, "ktstr4j-kafka-send");
        sender.setDaemon(true);
        sender.start();
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
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, BUFFER_MEMORY);
        // Our records are at most RecordEncoder's part size (512 KiB) plus headers.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1 << 20);
        // Deliberate timeouts: a dead broker must turn into spooled records within deliveryTimeout.
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

    /**
     * The producer's {@code buffer.memory}. The publisher keeps the bytes it has in flight well under it, so
     * {@code producer.send} never waits for buffer space (records of 512 KiB filled it once and blocked for seconds).
     */
    public static final long BUFFER_MEMORY = 128L << 20;

    @Override
    public void send(OutRecord r, Callback cb) {
        if (closed) {
            cb.done(new IllegalStateException("kafka transport closed"));
            return;
        }
        List<Header> headers = new ArrayList<>(r.headers().size());
        for (OutRecord.Header h : r.headers()) {
            headers.add(new RecordHeader(h.name(), h.value()));
        }
        if (!handOff.offer(new Pending(new ProducerRecord<>(r.topic(), null, r.key(), r.value(), headers), cb))) {
            cb.done(new IllegalStateException("more records handed to the Kafka transport than its in-flight limit "
                    + (handOff.remainingCapacity() + handOff.size() - 1)));
        }
    }

    @Override
    public void probe(Consumer<Boolean> answer) {
        try {
            prober.execute(() -> {
                boolean up;
                try (TopicAdmin admin = new TopicAdmin(bootstrap, clientProperties, probeTimeout)) {
                    if (topics != null) {
                        admin.ensureTopics(topics);
                    } else {
                        admin.brokers();
                    }
                    up = true;
                } catch (RuntimeException e) {
                    up = false;
                }
                answer.accept(up);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            answer.accept(false); // closed
        }
    }

    /** The sender thread: the only caller of {@code producer.send}. */
    private void sendLoop() {
        warmUp();
        while (true) {
            Pending p;
            try {
                p = handOff.take();
            } catch (InterruptedException e) {
                return;
            }
            if (p == STOP) {
                return;
            }
            try {
                producer.send(p.record(), (md, err) -> p.cb().done(err));
            } catch (RuntimeException e) {
                // Metadata not available within max.block.ms, a closed producer, a serialization failure.
                p.cb().done(e);
            }
        }
    }

    /**
     * Fetches the producer's metadata for every topic before the first record: a batch produced to a partition the
     * producer has no metadata for yet, just after the topic was created, was seen to sit until its delivery timeout
     * while later batches of the same key went through, which breaks per-key order (KAFKA-15591).
     */
    private void warmUp() {
        if (topics == null) {
            return;
        }
        for (String t : topics.allNames()) {
            try {
                producer.partitionsFor(t);
            } catch (RuntimeException e) {
                return; // the cluster is away: the records will fail and go to the spool
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        handOff.clear();
        handOff.offer(STOP);
        try {
            sender.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Whatever is unacknowledged now is already in the spool (the publisher's rule): do not wait for a broker.
        producer.close(Duration.ofMillis(500));
        prober.shutdownNow();
    }
}
