package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.sink.kafka.consumer.EventStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("kafka")
class PublishRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void publishedRunIsConsumedBackCompleteInOrderPerKeyWithSchemaHeaders() {
        String bootstrap = TestBroker.bootstrap();
        String prefix = "rt" + UUID.randomUUID().toString().substring(0, 8);
        KafkaSinkConfig cfg = KafkaSinkConfig.of(bootstrap).withTopicPrefix(prefix).withSpoolDir(tmp.resolve("spool"))
                .withMaxEventsPerRecord(50);
        List<RunEvent> a = new SyntheticRun("run-a", "steady/tiny-2llc/default", 8, 120, Outcome.PASS).events();
        List<RunEvent> b = new SyntheticRun("run-b", "steady/tiny-1llc/default", 4, 80, Outcome.FAIL).events();
        PublishSummary s;
        try (RunPublisher pub = new RunPublisher(cfg)) {
            // Two runs interleaved, as a gauntlet would produce them.
            Flux<RunEvent> both = Flux.merge(Flux.fromIterable(a), Flux.fromIterable(b));
            s = pub.publish(both).block(Duration.ofSeconds(60));
        }
        assertThat(s).isNotNull();
        assertThat(s.events()).isEqualTo(a.size() + b.size());
        // Normally all acked live; a batch produced in the moment the broker creates a partition can stall until its
        // delivery timeout (KAFKA-15591) and then reaches the broker through the spool instead. Either way: all there.
        assertThat(s.acked() + s.replayed()).as(s.line()).isEqualTo(s.events());
        assertThat(s.pending()).isZero();
        assertThat(s.failed()).isZero();
        assertThat(s.line()).contains(s.events() + " events").contains("0 failed");

        TopicLayout layout = new TopicLayout(prefix);
        List<String> topics = layout.allNames().stream().filter(t -> !t.endsWith(".latest")).toList();
        List<EventStream.Delivered> got;
        try (EventStream in = new EventStream(bootstrap, Map.of(), null, topics, true)) {
            got = in.pollUntil(a.size() + b.size(), Duration.ofSeconds(30));
            assertThat(in.duplicates()).isZero();
            assertThat(in.malformed()).isZero();
        }
        assertThat(got).hasSize(a.size() + b.size());
        // Every event present (by id), and in each (topic, key) in seq order.
        List<String> want = new ArrayList<>();
        a.forEach(e -> want.add(e.eventId()));
        b.forEach(e -> want.add(e.eventId()));
        assertThat(got).extracting(d -> d.event().eventId()).containsExactlyInAnyOrderElementsOf(want);
        Map<String, List<Long>> seqs = new LinkedHashMap<>();
        for (EventStream.Delivered d : got) {
            seqs.computeIfAbsent(d.topic() + "|" + d.key(), k -> new ArrayList<>()).add(d.event().seq());
            assertThat(d.key()).isEqualTo(d.event().runId() + "/" + d.event().variantKey());
            assertThat(d.headers()).containsEntry(KtstrHeaders.SCHEMA, "ktstr4j.run_event")
                    .containsEntry(KtstrHeaders.SCHEMA_VERSION, EventCodec.SCHEMA_VERSION)
                    .containsEntry(KtstrHeaders.RUN_ID, d.event().runId())
                    .containsEntry(KtstrHeaders.CONTENT_TYPE, KtstrHeaders.NDJSON)
                    .containsKey(KtstrHeaders.EVENT_ID);
            assertThat(d.topic()).isEqualTo(new EventRouter(layout).routes(d.event().body().typeName(),
                    d.event().runId(), d.event().variantKey()).get(0).topic());
        }
        assertThat(seqs).hasSizeGreaterThanOrEqualTo(6); // 2 runs × lifecycle, monitor, results
        seqs.values().forEach(l -> assertThat(l).isSorted());
        // The events themselves survive the trip unchanged.
        RunEvent sample = a.get(20);
        assertThat(got).filteredOn(d -> d.event().eventId().equals(sample.eventId())).singleElement()
                .satisfies(d -> assertThat(d.event()).isEqualTo(sample));

        // The compacted topic holds one verdict per variant.
        try (EventStream latest = new EventStream(bootstrap, Map.of(), null, List.of(layout.name("results.latest")),
                true)) {
            List<EventStream.Delivered> l = latest.pollUntil(2, Duration.ofSeconds(20));
            assertThat(l).extracting(EventStream.Delivered::key)
                    .containsExactlyInAnyOrder("steady/tiny-2llc/default|run.verdict",
                            "steady/tiny-1llc/default|run.verdict");
        }
    }
}
