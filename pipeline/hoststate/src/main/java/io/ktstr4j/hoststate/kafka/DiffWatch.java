package io.ktstr4j.hoststate.kafka;

import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.TopicAdmin;
import io.ktstr4j.sink.kafka.TopicLayout;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * One instance of the diff consumer ({@code host-state diff-watch}): the {@link DiffTopology} run by Kafka Streams
 * with exactly-once processing; {@link #close()} commits and leaves the group. Its lifecycle is the regression
 * consumer's ({@code stats watch}).
 */
public final class DiffWatch implements AutoCloseable {
    /** How long {@link #close()} waits for the last commit. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final DiffCounters counters = new DiffCounters();
    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private DiffWatch(DiffWatchOptions o) {
        this.streams = new KafkaStreams(DiffTopology.build(o, counters), properties(o));
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

    /** Creates the missing ktstr4j topics (the hoststate topic must exist before the subscription), then starts. */
    public static DiffWatch start(DiffWatchOptions o) {
        KafkaSinkConfig k = o.kafka();
        try (TopicAdmin admin = new TopicAdmin(k.bootstrap(), k.clientProperties(), k.connectTimeout())) {
            admin.ensureTopics(new TopicLayout(k.topicPrefix()));
        }
        DiffWatch w = new DiffWatch(o);
        w.streams.start();
        return w;
    }

    /** ktstr4j's Kafka Streams settings, then the user's client properties (they win). */
    public static Properties properties(DiffWatchOptions o) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, o.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, o.kafka().bootstrap());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, o.stateDir().toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, o.commitInterval().toMillis());
        // A capture of a big host is megabytes, split into parts of at most RunPublisher.MAX_PART_BYTES.
        p.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), 8 << 20);
        p.put(StreamsConfig.producerPrefix("max.request.size"), 1 << 20);
        p.putAll(o.kafka().clientProperties());
        return p;
    }

    public DiffCounters counters() {
        return counters;
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

    @Override
    public void close() {
        streams.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
}
