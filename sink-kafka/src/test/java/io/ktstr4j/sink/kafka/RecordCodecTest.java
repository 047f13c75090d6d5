package io.ktstr4j.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    private final TopicLayout layout = TopicLayout.defaults();
    private final EventRouter router = new EventRouter(layout);

    private static EncodedEvent ev(String type, String run, String variant, long seq, String payload) {
        String json = "{\"run_id\":\"" + run + "\",\"variant_key\":\"" + variant + "\",\"seq\":" + seq
                + ",\"body\":{\"type\":\"" + type + "\",\"p\":\"" + payload + "\"}}";
        return new EncodedEvent(type, run, variant, seq, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void routesByEventTypeName() {
        assertThat(router.routes("vm.created", "r", "v")).extracting(EventRouter.Route::topic)
                .containsExactly("ktstr4j.lifecycle");
        assertThat(router.routes("guest.stimulus", "r", "v")).extracting(EventRouter.Route::topic)
                .containsExactly("ktstr4j.lifecycle");
        assertThat(router.routes("monitor.sample", "r", "v")).extracting(EventRouter.Route::topic)
                .containsExactly("ktstr4j.monitor");
        assertThat(router.routes("monitor.snapshot", "r", "v")).extracting(EventRouter.Route::topic)
                .containsExactly("ktstr4j.snapshots");
        assertThat(router.routes("run.verdict", "r", "v")).extracting(EventRouter.Route::topic)
                .containsExactly("ktstr4j.results", "ktstr4j.results.latest");
        assertThat(router.routes("run.result", "r", "v")).extracting(EventRouter.Route::topic)
                .containsExactly("ktstr4j.results", "ktstr4j.results.latest");
        assertThat(router.routes("run.failure_report", "r", "v")).extracting(EventRouter.Route::topic)
                .containsExactly("ktstr4j.failures");
        assertThat(router.routes("host.state", "r", "v")).extracting(EventRouter.Route::topic)
                .containsExactly("ktstr4j.hoststate");
        assertThat(router.routes("run.dropped", "r", "v")).extracting(EventRouter.Route::topic)
                .containsExactly("ktstr4j.lifecycle");
        assertThat(new EventRouter(new TopicLayout("ci.x")).routes("monitor.sample", "r", "v").get(0).topic())
                .isEqualTo("ci.x.monitor");
    }

    @Test
    void keysKeepARunTogetherAndTheLatestTopicIsKeyedByVariantAndKind() {
        List<EventRouter.Route> r = router.routes("run.verdict", "run-1", "steady/tiny-2llc/default");
        assertThat(r.get(0).key()).isEqualTo("run-1/steady/tiny-2llc/default");
        assertThat(r.get(1).key()).isEqualTo("steady/tiny-2llc/default|run.verdict");
        assertThat(r.get(1).batchable()).isFalse();
        assertThat(router.routes("vm.created", "run-1", "steady/tiny-2llc/default").get(0).key())
                .isEqualTo("run-1/steady/tiny-2llc/default");
    }

    @Test
    void rejectsABadTopicPrefix() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TopicLayout("bad prefix!"))
                .hasMessageContaining("topic prefix");
    }

    @Test
    void batchesPerKeyKeepsOrderAndSetsHeaders() {
        List<EncodedEvent> in = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            in.add(ev("monitor.sample", "r1", "v", i, "x"));
            in.add(ev("monitor.sample", "r2", "v", i, "y"));
        }
        in.add(ev("vm.exited", "r1", "v", 10, "z"));
        RecordEncoder enc = new RecordEncoder(router, 4, 1 << 20, 1 << 20, "1.0");
        List<OutRecord> recs = enc.encode(in);
        // r1 monitor: 10 events in records of ≤4 → 3; r2 the same; r1 lifecycle: 1.
        assertThat(recs).hasSize(7);
        OutRecord first = recs.get(0);
        assertThat(first.topic()).isEqualTo("ktstr4j.monitor");
        assertThat(first.keyText()).isEqualTo("r1/v");
        assertThat(first.header(KtstrHeaders.CONTENT_TYPE)).isEqualTo(KtstrHeaders.NDJSON);
        assertThat(first.header(KtstrHeaders.SCHEMA)).isEqualTo("ktstr4j.run_event");
        assertThat(first.header(KtstrHeaders.SCHEMA_VERSION)).isEqualTo("1.0");
        assertThat(first.header(KtstrHeaders.RUN_ID)).isEqualTo("r1");
        assertThat(first.header(KtstrHeaders.EVENT_ID)).isEqualTo("r1/v/0");
        assertThat(first.header(KtstrHeaders.LAST_EVENT_ID)).isEqualTo("r1/v/3");
        assertThat(first.header(KtstrHeaders.EVENT_COUNT)).isEqualTo("4");
        assertThat(first.header(KtstrHeaders.EVENT_TYPE)).isEqualTo("monitor.sample");
        assertThat(recs.stream().mapToInt(OutRecord::eventCount).sum()).isEqualTo(21);
        RecordDecoder dec = new RecordDecoder();
        List<String> r1 = new ArrayList<>();
        for (OutRecord r : recs) {
            if (r.keyText().equals("r1/v") && r.topic().endsWith("monitor")) {
                dec.decode(r, 0).forEach(b -> r1.add(new String(b, StandardCharsets.UTF_8)));
            }
        }
        assertThat(r1).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(r1.get(i)).contains("\"seq\":" + i + ",");
        }
    }

    @Test
    void largeValueIsCompressedThenSplitAndReassembledExactly() {
        Random rnd = new Random(42);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 300_000) {
            sb.append(Long.toHexString(rnd.nextLong())); // barely compressible
        }
        EncodedEvent big = ev("monitor.snapshot", "r", "v", 5, sb.toString());
        RecordEncoder enc = new RecordEncoder(router, 100, 1 << 20, 64 * 1024, "1.0");
        List<OutRecord> recs = enc.encode(List.of(big));
        assertThat(recs.size()).isGreaterThan(1);
        assertThat(recs).allSatisfy(r -> {
            assertThat(r.value().length).isLessThanOrEqualTo(64 * 1024);
            assertThat(r.header(KtstrHeaders.CONTENT_TYPE)).isEqualTo(KtstrHeaders.NDJSON_ZSTD);
            assertThat(r.header(KtstrHeaders.SPLIT_ID)).isEqualTo("r/v/5");
        });
        assertThat(recs.get(0).header(KtstrHeaders.PART)).isEqualTo("1/" + recs.size());
        assertThat(recs.stream().mapToInt(OutRecord::eventCount).sum()).isEqualTo(1);
        RecordDecoder dec = new RecordDecoder();
        List<byte[]> got = new ArrayList<>();
        for (OutRecord r : recs) {
            got.addAll(dec.decode(r, 2));
        }
        assertThat(got).singleElement().satisfies(b -> assertThat(b).isEqualTo(big.json()));
        assertThat(dec.broken()).isZero();
        assertThat(dec.pendingSplits()).isZero();
    }

    @Test
    void compressibleLargeValueIsCompressedNotSplit() {
        EncodedEvent big = ev("run.failure_report", "r", "v", 1, "a".repeat(500_000));
        List<OutRecord> recs = new RecordEncoder(router, 100, 1 << 20, 64 * 1024, "1.0").encode(List.of(big));
        assertThat(recs).singleElement().satisfies(r -> {
            assertThat(r.header(KtstrHeaders.PART)).isNull();
            assertThat(r.header(KtstrHeaders.CONTENT_TYPE)).isEqualTo(KtstrHeaders.NDJSON_ZSTD);
        });
        assertThat(new RecordDecoder().decode(recs.get(0), 0)).singleElement()
                .satisfies(b -> assertThat(b).isEqualTo(big.json()));
    }

    @Test
    void missingPartDropsTheValueAndCountsItInsteadOfTruncating() {
        Random rnd = new Random(7);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 200_000) {
            sb.append(Long.toHexString(rnd.nextLong()));
        }
        List<OutRecord> recs = new RecordEncoder(router, 100, 1 << 20, 32 * 1024, "1.0")
                .encode(List.of(ev("monitor.snapshot", "r", "v", 1, sb.toString())));
        RecordDecoder dec = new RecordDecoder();
        List<byte[]> got = new ArrayList<>();
        for (int i = 0; i < recs.size(); i++) {
            if (i != 1) {
                got.addAll(dec.decode(recs.get(i), 0));
            }
        }
        assertThat(got).isEmpty();
        assertThat(dec.broken()).isEqualTo(1);
    }

    @Test
    void recordsOfOneKeyMergeIntoOneThatDecodesToBothInOrderAndOthersDoNot() {
        EventRouter router = new EventRouter(TopicLayout.defaults());
        RecordEncoder enc = new RecordEncoder(router, 50, 1 << 20, 1 << 20, "1.0");
        java.util.List<io.ktstr4j.schemas.event.RunEvent> run = new SyntheticRun("m", "steady/v0", 2, 20,
                io.ktstr4j.schemas.verdict.Outcome.PASS).events();
        java.util.List<io.ktstr4j.sink.kafka.spool.OutRecord> one = new java.util.ArrayList<>();
        for (io.ktstr4j.schemas.event.RunEvent e : run) { // one record per event, as a trickling run gives
            one.addAll(enc.encode(java.util.List.of(EventCodec.encode(e))));
        }
        java.util.List<io.ktstr4j.sink.kafka.spool.OutRecord> samples = one.stream()
                .filter(r -> r.topic().endsWith(".monitor")).toList();
        io.ktstr4j.sink.kafka.spool.OutRecord merged = samples.get(0);
        for (int i = 1; i < samples.size(); i++) {
            merged = enc.merge(merged, samples.get(i));
            assertThat(merged).as("sample record %d merges", i).isNotNull();
        }
        assertThat(merged.eventCount()).isEqualTo(samples.size());
        assertThat(merged.header(KtstrHeaders.EVENT_COUNT)).isEqualTo(String.valueOf(samples.size()));
        assertThat(merged.header(KtstrHeaders.EVENT_ID)).isEqualTo(samples.get(0).header(KtstrHeaders.EVENT_ID));
        assertThat(merged.header(KtstrHeaders.LAST_EVENT_ID))
                .isEqualTo(samples.get(samples.size() - 1).header(KtstrHeaders.LAST_EVENT_ID));
        java.util.List<Long> seqs = new RecordDecoder().decode(merged, 0).stream()
                .map(j -> EventCodec.decode(j, "merged").seq()).toList();
        assertThat(seqs).isSorted().hasSize(samples.size());
        // Not merged: another topic, the compacted latest topic, or beyond the event limit.
        io.ktstr4j.sink.kafka.spool.OutRecord lifecycle = one.stream().filter(r -> r.topic().endsWith(".lifecycle"))
                .findFirst().orElseThrow();
        assertThat(enc.merge(samples.get(0), lifecycle)).isNull();
        java.util.List<io.ktstr4j.sink.kafka.spool.OutRecord> latest = one.stream()
                .filter(r -> r.topic().endsWith(".latest")).toList();
        assertThat(latest).isNotEmpty();
        assertThat(enc.merge(latest.get(0), latest.get(0))).as("the compacted topic: one event per record").isNull();
        RecordEncoder small = new RecordEncoder(router, 2, 1 << 20, 1 << 20, "1.0");
        assertThat(small.merge(small.merge(samples.get(0), samples.get(1)), samples.get(2))).isNull();
    }
}
