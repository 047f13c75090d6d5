package io.ktstr4j.sink.kafka.consumer;

import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.TopicAdmin;
import io.ktstr4j.sink.kafka.TopicLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * One instance of a ktstr4j consumer that runs as a Kafka Streams application ({@code stats watch},
 * {@code host-state diff-watch}): exactly-once processing, ktstr4j's topics made before it subscribes, a failure kept
 * for the caller, and {@link #close()} that commits and leaves the group so the next instance goes on from there.
 */
public final class StreamsApp implements AutoCloseable {
    /** How long {@link #close()} waits for the last commit. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private StreamsApp(Topology topology, Properties properties) {
        this.streams = new KafkaStreams(topology, properties);
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
    }

    /**
     * Creates the missing ktstr4j topics (a source topic must exist before Kafka Streams subscribes to it), then
     * starts the topology. A cluster that does not answer within the connect timeout is a
     * {@link io.ktstr4j.sink.kafka.KafkaUnavailableException}.
     */
    public static StreamsApp start(KafkaSinkConfig kafka, Topology topology, Properties properties) {
        try (TopicAdmin admin = new TopicAdmin(kafka.bootstrap(), kafka.clientProperties(), kafka.connectTimeout())) {
            admin.ensureTopics(new TopicLayout(kafka.topicPrefix()));
        }
        StreamsApp app = new StreamsApp(topology, properties);
        app.streams.start();
        return app;
    }

    /**
     * ktstr4j's settings of every such application: exactly-once (v2), its state folder, its commit interval, fetches
     * big enough for a split value's parts. The caller adds its own, then the user's client properties (they win).
     */
    public static Properties properties(KafkaSinkConfig kafka, String applicationId, Path stateDir,
                                        Duration commitInterval) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        p.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), 8 << 20);
        return p;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Waits until the instance has its partitions and runs (true), or the timeout passed. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            if (stopped.await(50, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Waits until the instance stopped (closed, or failed: {@link #failure()}); false when the timeout passed. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why the instance stopped by itself, or null. */
    public Throwable failure() {
        return failure.get();
    }

    /** Commits what was processed and leaves the group (its partitions move to the other instances at once). */
    @Override
    public void close() {
        streams.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
}
