package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes runs to Kafka. {@link #publish} never blocks the run: events pass a bounded buffer and, when Kafka is slow
 * or absent, go to the on-disk spool, replayed in order when the cluster is back (see {@link Publication}). With
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

    RecordEncoder encoder() {
        return encoder;
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
     * Opens one publication (one run, one command): resolves the bootstrap address (starting the embedded broker when
     * so configured), checks that the cluster answers and creates missing topics, then starts the dispatcher. Blocks
     * for the check: call it before the first VM boots, off Reactor's threads. When the cluster does not answer,
     * {@link KafkaSinkConfig.OnUnavailable#FAIL_FAST} throws {@link KafkaUnavailableException}; SPOOL starts the
     * publication in a spool episode. Once open, an outage never fails the publication: it goes to the spool.
     */
    public Publication open() {
        String bs = bootstrap();
        boolean reachable = true;
        try (TopicAdmin admin = new TopicAdmin(bs, config.clientProperties(), config.connectTimeout())) {
            if (config.createTopics()) {
                admin.ensureTopics(encoder.router().layout());
            } else {
                admin.brokers();
            }
        } catch (KafkaUnavailableException e) {
            if (config.onUnavailable() == KafkaSinkConfig.OnUnavailable.FAIL_FAST) {
                throw e;
            }
            reachable = false;
        }
        Publication.Window w = Publication.Window.DEFAULT;
        Transport t = new KafkaTransport(bs, config.clientProperties(), config.deliveryTimeout(),
                config.connectTimeout(), w.records(), config.createTopics() ? encoder.router().layout() : null);
        return new Publication(config, bs, encoder, t, w, reachable, ackListener);
    }

    /**
     * Publishes every event of {@code events} (subscribed to once, with bounded demand) and completes with the
     * counters when the stream has completed and every event is acknowledged, spooled or counted as failed. Fails
     * with {@link KafkaUnavailableException} when the cluster does not answer at the start and the config says
     * FAIL_FAST (the stream is then never subscribed). Cancelling ends the publication at once: what is not
     * acknowledged goes to the spool.
     */
    public Mono<PublishSummary> publish(Flux<RunEvent> events) {
        return Mono.fromCallable(this::open)
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                .flatMap(p -> {
                    p.subscribe(events);
                    return Mono.fromFuture(p.done()).doOnCancel(() -> p.shutdown(java.time.Duration.ZERO));
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
