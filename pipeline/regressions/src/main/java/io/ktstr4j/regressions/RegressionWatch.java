package io.ktstr4j.regressions;

import io.ktstr4j.sink.kafka.consumer.StreamsApp;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One instance of the regression consumer: the {@link WatchTopology} run as a {@link StreamsApp} (exactly-once).
 * Instances sharing the application id (threads, processes, machines) split the partitions between them;
 * {@link #close()} commits what was processed and leaves the group, so the next instance goes on from there.
 */
public final class RegressionWatch implements AutoCloseable {
    private final WatchCounters counters;
    private final StreamsApp app;

    private RegressionWatch(WatchCounters counters, StreamsApp app) {
        this.counters = counters;
        this.app = app;
    }

    /** Creates the missing ktstr4j topics, then starts the instance (see {@link StreamsApp#start}). */
    public static RegressionWatch start(WatchOptions options) {
        WatchCounters counters = new WatchCounters();
        return new RegressionWatch(counters, StreamsApp.start(options.kafka(), WatchTopology.build(options, counters),
                properties(options, counters)));
    }

    /**
     * The Kafka Streams configuration: ktstr4j's settings, then the user's client properties (they win). Public for
     * the test driver of tests and benchmarks, which takes the same.
     */
    public static Properties properties(WatchOptions o, WatchCounters counters) {
        Properties p = StreamsApp.properties(o.kafka(), o.applicationId(), o.stateDir(), o.commitInterval());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, o.threads());
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

    /** The running application: its state, waits (awaitRunning, awaitStopped) and failure. */
    public StreamsApp app() {
        return app;
    }

    /** Commits what was processed and leaves the group (its partitions move to the other instances at once). */
    @Override
    public void close() {
        app.close();
    }
}
