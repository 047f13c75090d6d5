package io.ktstr4j.regressions;

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
 * One instance of the regression consumer: the {@link WatchTopology} run by Kafka Streams with exactly-once
 * processing. Instances sharing the application id (threads, processes, machines) split the partitions between them;
 * {@link #close()} commits what was processed and leaves the group, so the next instance goes on from there.
 */
public final class RegressionWatch implements AutoCloseable {
    /** How long {@link #close()} waits for the last commit. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final WatchCounters counters = new WatchCounters();
    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private RegressionWatch(WatchOptions options) {
        this.streams = new KafkaStreams(WatchTopology.build(options, counters), properties(options, counters));
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
     * Creates the missing ktstr4j topics (the results topic must exist before Kafka Streams subscribes to it), then
     * starts the instance. A cluster that does not answer within the connect timeout is a
     * {@link io.ktstr4j.sink.kafka.KafkaUnavailableException}.
     */
    public static RegressionWatch start(WatchOptions options) {
        KafkaSinkConfig k = options.kafka();
        try (TopicAdmin admin = new TopicAdmin(k.bootstrap(), k.clientProperties(), k.connectTimeout())) {
            admin.ensureTopics(new TopicLayout(k.topicPrefix()));
        }
        RegressionWatch w = new RegressionWatch(options);
        w.streams.start();
        return w;
    }

    /**
     * The Kafka Streams configuration: ktstr4j's settings, then the user's client properties (they win). Public for
     * the test driver of tests and benchmarks, which takes the same.
     */
    public static Properties properties(WatchOptions o, WatchCounters counters) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, o.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, o.kafka().bootstrap());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, o.stateDir().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, o.threads());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, o.commitInterval().toMillis());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkippingDeserializationHandler.class);
        p.put(SkippingDeserializationHandler.SKIPPED, counters.skipped());
        // Kafka Streams' own auto.offset.reset is earliest: a new application id reads the whole retained results
        // topic, so every variant's baseline is built from history.
        p.putAll(o.kafka().clientProperties());
        return p;
    }

    public WatchCounters counters() {
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

    /** Commits what was processed and leaves the group (its partitions move to the other instances at once). */
    @Override
    public void close() {
        streams.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
}
