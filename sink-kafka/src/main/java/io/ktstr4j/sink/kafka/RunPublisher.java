package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes runs to Kafka. {@link #publish} never blocks the run: events pass a bounded buffer and, when Kafka is slow
 * or absent, go to the on-disk spool, replayed in order when the cluster is back (see {@link PublishSession}). With
 * {@code bootstrap = embedded} the first publish starts a local broker ({@link EmbeddedKafka}) that lives until
 * {@link #close()}. One publisher can publish many runs, one after the other or at the same time.
 */
public final class RunPublisher implements AutoCloseable {
    /** Largest record value we send; bigger values are compressed, then split (see {@link RecordEncoder}). */
    public static final int MAX_PART_BYTES = 512 * 1024;
    /** Target size of a batch record, before the producer's zstd compression. */
    public static final int TARGET_RECORD_BYTES = 256 * 1024;

    private final KafkaSinkConfig config;
    private final RecordEncoder encoder;
    private EmbeddedKafka embedded;
    private String bootstrap;
    private volatile java.util.function.Consumer<OutRecord> ackListener = r -> { };

    public RunPublisher(KafkaSinkConfig config) {
        this.config = config;
        this.encoder = new RecordEncoder(new EventRouter(new TopicLayout(config.topicPrefix())),
                config.maxEventsPerRecord(), TARGET_RECORD_BYTES, MAX_PART_BYTES, EventCodec.SCHEMA_VERSION);
    }

    public KafkaSinkConfig config() {
        return config;
    }

    /**
     * Called on Kafka's callback thread for every record the broker acknowledged live (for measurements such as the
     * publish-to-ack latency in {@code bench/}); must be quick. Applies to publishes started afterwards.
     */
    public RunPublisher onAck(java.util.function.Consumer<OutRecord> listener) {
        this.ackListener = java.util.Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Publishes every event of {@code events} (subscribed to once, on a Reactor bounded-elastic thread) and completes
     * with the counters when the stream has completed and every event is acknowledged or spooled. Fails at once with
     * {@link KafkaUnavailableException} when the cluster does not answer and the config says FAIL_FAST (the event
     * stream is then never subscribed). Cancelling stops the publish; events not yet acknowledged stay in the spool.
     */
    public Mono<PublishSummary> publish(Flux<RunEvent> events) {
        return Mono.create(sink -> {
            java.util.concurrent.atomic.AtomicReference<PublishSession> session =
                    new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
            // Starting an embedded broker and checking the cluster block: do it on the dispatcher thread.
            Thread t = new Thread(() -> {
                String bs;
                try {
                    bs = bootstrap();
                } catch (RuntimeException e) {
                    sink.error(e);
                    return;
                }
                PublishSession s = new PublishSession(config, bs, encoder, sink, ackListener);
                session.set(s);
                if (cancelled.get()) {
                    s.cancel();
                }
                s.run(events);
            }, "ktstr4j-kafka-dispatch");
            t.setDaemon(true);
            sink.onCancel(() -> {
                cancelled.set(true);
                PublishSession s = session.get();
                if (s != null) {
                    s.cancel();
                }
            });
            t.start();
        });
    }

    /** The bootstrap address, starting the embedded broker on first use when so configured. */
    public synchronized String bootstrap() {
        if (bootstrap == null) {
            if (config.embedded()) {
                embedded = new EmbeddedKafka();
                bootstrap = embedded.start(config.embeddedDataDir());
            } else {
                bootstrap = config.bootstrap();
            }
        }
        return bootstrap;
    }

    @Override
    public synchronized void close() {
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
    }
}
