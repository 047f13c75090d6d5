package io.ktstr4j.hoststate.kafka;

import static io.ktstr4j.hoststate.Fixtures.MINUTE_NS;
import static io.ktstr4j.hoststate.Fixtures.T0;
import static io.ktstr4j.hoststate.Fixtures.thread;
import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.hoststate.Fixtures;
import io.ktstr4j.hoststate.compare.DeltaOptions;
import io.ktstr4j.hoststate.compare.DeltaSummaries;
import io.ktstr4j.schemas.event.HostStateDelta;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import io.ktstr4j.sink.kafka.EventCodec;
import io.ktstr4j.sink.kafka.EventRouter;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.RecordDecoder;
import io.ktstr4j.sink.kafka.RecordEncoder;
import io.ktstr4j.sink.kafka.RunPublisher;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diff consumer's topology on Kafka Streams' test driver: which deltas it publishes for which captures. */
class DiffTopologyTest {
    static final TopicLayout LAYOUT = TopicLayout.defaults();

    @TempDir
    Path tmp;
    DiffCounters counters;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> in;
    TestOutputTopic<byte[], byte[]> out;
    final RecordEncoder encoder = new RecordEncoder(new EventRouter(LAYOUT), 1, RunPublisher.TARGET_RECORD_BYTES,
            RunPublisher.MAX_PART_BYTES, EventCodec.SCHEMA_VERSION);

    @BeforeEach
    void start() {
        DiffWatchOptions o = new DiffWatchOptions(KafkaSinkConfig.of("127.0.0.1:9"), null, tmp.resolve("state"), null,
                new DeltaSummaries(DeltaOptions.DEFAULTS)::summarize);
        counters = new DiffCounters();
        driver = new TopologyTestDriver(DiffTopology.build(o, counters), DiffWatch.properties(o));
        String topic = LAYOUT.name(TopicLayout.HOSTSTATE);
        in = driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static HostStateSnapshot at(long ns, long stressRunNs) {
        return Fixtures.capture(ns, thread(10, "sshd").runTimeNs(1_000_000).build(),
                thread(30, "stress-ng").runTimeNs(stressRunNs).build());
    }

    void publish(HostStateSnapshot s) {
        for (OutRecord o : encoder.encode(List.of(EventCodec.encode(RunEvent.standalone(s.eventId() + "/"
                + s.phase(), 0, Instant.ofEpochSecond(0, s.capturedAtUnixNs()), s))))) {
            RecordHeaders h = new RecordHeaders();
            o.headers().forEach(x -> h.add(x.name(), x.value()));
            in.pipeInput(new TestRecord<>(o.key(), o.value(), h, Instant.ofEpochSecond(0, s.capturedAtUnixNs())));
        }
    }

    List<HostStateDelta> deltas() {
        RecordDecoder dec = new RecordDecoder();
        List<HostStateDelta> got = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : out.readRecordsToList()) {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(Fixtures.HOST);
            dec.decode("t", 0, io.ktstr4j.sink.kafka.KtstrHeaders.lookup(r.headers()), r.value())
                    .forEach(l -> got.add((HostStateDelta) EventCodec.decode(l, "t").body()));
        }
        return got;
    }

    @Test
    void consecutiveCapturesOfAHostAreComparedAndACopyIsNot() {
        publish(at(T0, 1_000_000_000L));
        publish(at(T0 + MINUTE_NS, 31_000_000_000L));
        publish(at(T0 + MINUTE_NS, 31_000_000_000L)); // the same capture sent again
        List<HostStateDelta> d = deltas();
        assertThat(d).hasSize(1);
        assertThat(d.get(0).pair()).isEqualTo(HostStateDelta.CONSECUTIVE_PAIR);
        assertThat(d.get(0).busiest().get(0).group()).isEqualTo("stress-ng");
        assertThat(d.get(0).busiest().get(0).cpu()).isEqualTo(0.5);
        assertThat(d.get(0).quiet()).isFalse();
        assertThat(counters.line()).contains("3 captures read, 1 delta published (1 not quiet), 1 not newer");
    }

    @Test
    void aRunsPairIsComparedEvenWithAnotherCaptureBetweenAndWhenItArrivesLate() {
        publish(at(T0, 0).aroundRun("r1", CapturePhase.BEFORE_RUN));
        publish(at(T0 + MINUTE_NS, 6_000_000_000L)); // the host's capture daemon, during the run
        publish(at(T0 + 2 * MINUTE_NS, 12_000_000_000L).aroundRun("r1", CapturePhase.AFTER_RUN));
        List<HostStateDelta> d = deltas();
        assertThat(d).extracting(HostStateDelta::pair).containsExactly("consecutive", "consecutive", "run");
        assertThat(d.get(2).runId()).isEqualTo("r1");
        assertThat(d.get(2).baselineAtUnixNs()).isEqualTo(T0);

        // A run's captures replayed from its spool after newer captures of the host: the pair is still compared.
        publish(at(T0 + 10 * MINUTE_NS, 13_000_000_000L));
        publish(at(T0 + 3 * MINUTE_NS, 12_000_000_000L).aroundRun("r2", CapturePhase.BEFORE_RUN));
        publish(at(T0 + 4 * MINUTE_NS, 12_600_000_000L).aroundRun("r2", CapturePhase.AFTER_RUN));
        d = deltas();
        assertThat(d).extracting(HostStateDelta::pair).containsExactly("consecutive", "run");
        assertThat(d.get(1).runId()).isEqualTo("r2");
        assertThat(d.get(1).busiest().get(0).cpu()).isEqualTo(0.01);
    }

    @Test
    void theBeforeCaptureIsTheHostsPreviousOneSoThePairIsPublishedOnce() {
        publish(at(T0, 0).aroundRun("r1", CapturePhase.BEFORE_RUN));
        publish(at(T0 + MINUTE_NS, 6_000_000_000L).aroundRun("r1", CapturePhase.AFTER_RUN));
        assertThat(deltas()).extracting(HostStateDelta::pair).containsExactly("run");
    }

    @Test
    void capturesWithoutAHostAndRecordsThatAreNotCapturesAreCountedNotFatal() {
        HostStateSnapshot ktstr = new HostStateSnapshot(T0, null, at(T0, 1).threads(), java.util.Map.of());
        publish(ktstr);
        in.pipeInput(new TestRecord<>("x".getBytes(StandardCharsets.UTF_8), "not ours".getBytes(
                StandardCharsets.UTF_8)));
        publish(at(T0, 1));
        publish(at(T0 + MINUTE_NS, 2));
        assertThat(deltas()).hasSize(1);
        assertThat(counters.line()).contains("1 without a host name").contains("1 unreadable");
    }
}
