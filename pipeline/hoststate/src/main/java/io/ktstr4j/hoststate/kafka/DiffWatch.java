package io.ktstr4j.hoststate.kafka;

import io.ktstr4j.sink.kafka.consumer.StreamsApp;
import java.util.Properties;

/**
 * One instance of the diff consumer ({@code host-state diff-watch}): the {@link DiffTopology} run as a
 * {@link StreamsApp} (exactly-once); {@link #close()} commits and leaves the group.
 */
public final class DiffWatch implements AutoCloseable {
    private final DiffCounters counters;
    private final StreamsApp app;

    private DiffWatch(DiffCounters counters, StreamsApp app) {
        this.counters = counters;
        this.app = app;
    }

    /** Creates the missing ktstr4j topics, then starts the instance (see {@link StreamsApp#start}). */
    public static DiffWatch start(DiffWatchOptions o) {
        DiffCounters counters = new DiffCounters();
        return new DiffWatch(counters, StreamsApp.start(o.kafka(), DiffTopology.build(o, counters), properties(o)));
    }

    /** ktstr4j's Kafka Streams settings, then the user's client properties (they win). */
    public static Properties properties(DiffWatchOptions o) {
        Properties p = StreamsApp.properties(o.kafka(), o.applicationId(), o.stateDir(), o.commitInterval());
        p.putAll(o.kafka().clientProperties());
        return p;
    }

    public DiffCounters counters() {
        return counters;
    }

    /** The running application: its state, waits (awaitRunning, awaitStopped) and failure. */
    public StreamsApp app() {
        return app;
    }

    @Override
    public void close() {
        app.close();
    }
}
