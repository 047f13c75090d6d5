package io.ktstr4j.regressions;

import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.stats.Trials;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The regression consumer as a Kafka Streams topology:
 * <pre>
 *  &lt;prefix&gt;.results ─▶ decode (skip bad records, drop copies: store seen-results)
 *     ├─▶ key by variant ─▶ repartition by-variant ─▶ judge (store baselines) ─────────┐
 *     └─▶ key by flaky variant ─▶ repartition by-flaky-variant ─▶ ledger (store flaky-ledger) ─┴─▶ &lt;prefix&gt;.regressions
 * </pre>
 * Each state store holds what one key needs and moves with its partition, so instances sharing the application id
 * split the variants between them; the stores' changelogs and the output commit in one transaction per task
 * (exactly-once), so a restart resumes from committed offsets with the state that matches them.
 */
public final class WatchTopology {
    public static final String SEEN_STORE = "seen-results";
    public static final String BASELINE_STORE = "baselines";
    public static final String LEDGER_STORE = "flaky-ledger";

    private WatchTopology() {
    }

    public static Topology build(WatchOptions o, WatchCounters counters) {
        TopicLayout layout = new TopicLayout(o.kafka().topicPrefix());
        BaselineComparison comparison = new BaselineComparison(o.baseline(), o.compare(), o.window());
        AnalysisOutput output = new AnalysisOutput(layout, o.kafka().maxEventsPerRecord());
        JsonSerde<SidecarResult> sidecars = new JsonSerde<>(SidecarResult.class);
        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(SEEN_STORE, o.dedupRetention(),
                o.dedupRetention(), false), Serdes.String(), Serdes.Long()));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BASELINE_STORE), Serdes.String(),
                new JsonSerde<>(BaselineWindow.class)));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEDGER_STORE), Serdes.String(),
                new JsonSerde<>(LedgerEntry.class)));

        KStream<String, SidecarResult> results = b
                .stream(layout.name(TopicLayout.RESULTS), Consumed.with(Serdes.ByteArray(), new ResultRecordSerde())
                        .withName("results"))
                .process(() -> new ResultDecoder(counters, o.dedupRetention()), Named.as("decode"), SEEN_STORE);
        Produced<byte[], byte[]> out = Produced.with(Serdes.ByteArray(), Serdes.ByteArray());
        results.selectKey((id, r) -> comparison.variant(Trials.of(r)), Named.as("key-by-variant"))
                .repartition(Repartitioned.with(Serdes.String(), sidecars).withName("by-variant"))
                .process(() -> new RegressionJudge(comparison, output, counters), Named.as("judge"), BASELINE_STORE)
                .to(layout.name(TopicLayout.REGRESSIONS), out.withName("verdicts"));
        results.selectKey((id, r) -> FlakyLedger.variant(Trials.of(r)), Named.as("key-by-flaky-variant"))
                .repartition(Repartitioned.with(Serdes.String(), sidecars).withName("by-flaky-variant"))
                .process(() -> new FlakyLedger(output, counters), Named.as("ledger"), LEDGER_STORE)
                .to(layout.name(TopicLayout.REGRESSIONS), out.withName("flaky"));
        return b.build();
    }
}
