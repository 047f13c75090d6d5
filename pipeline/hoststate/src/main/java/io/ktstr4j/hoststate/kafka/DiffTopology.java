package io.ktstr4j.hoststate.kafka;

import io.ktstr4j.sink.kafka.TopicLayout;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The diff consumer as a Kafka Streams topology:
 * <pre>
 *  &lt;prefix&gt;.hoststate ─▶ diff (stores host-last-capture, run-before-capture) ─▶ &lt;prefix&gt;.hoststate (host.state_delta)
 * </pre>
 * Captures are keyed by host, so a host's captures arrive in order in one partition and its state sits with it; the
 * stores' changelogs and the output commit in one transaction (exactly-once), so a restart neither loses a host's last
 * capture nor publishes a delta twice. The consumer reads its own deltas back from the topic and passes them by.
 */
public final class DiffTopology {
    public static final String LAST_STORE = "host-last-capture";
    public static final String BEFORE_STORE = "run-before-capture";

    private DiffTopology() {
    }

    public static Topology build(DiffWatchOptions o, DiffCounters counters) {
        TopicLayout layout = new TopicLayout(o.kafka().topicPrefix());
        DeltaOutput output = new DeltaOutput(layout);
        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LAST_STORE), Serdes.String(),
                Serdes.ByteArray()));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BEFORE_STORE), Serdes.String(),
                Serdes.ByteArray()));
        b.stream(layout.name(TopicLayout.HOSTSTATE), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName("captures"))
                .process(() -> new DiffProcessor(o.diff(), output, counters), Named.as("diff"), LAST_STORE,
                        BEFORE_STORE)
                .to(layout.name(TopicLayout.HOSTSTATE), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName("deltas"));
        return b.build();
    }
}
