package io.ktstr4j.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.sink.kafka.consumer.EventStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A broker outage in the middle of a command of 4 variants, with the default delivery timeout: the broker is
 * SIGKILLed while variants 1 and 2 run, variant 3 starts during the outage, the broker comes back, variant 4 runs
 * after. Under both {@code --kafka-fallback} settings every event produced is read back exactly once (duplicates
 * dropped by event id, as consumers do), each key in order, and the counters add up. CI runs a 4 s outage; the
 * {@code full} tier ({@link FullOutageTest}) the 15 s one.
 */
@Tag("kafka")
class OutageTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(KafkaSinkConfig.OnUnavailable.class)
    void aShortOutageLosesNothing(KafkaSinkConfig.OnUnavailable fallback) throws Exception {
        outage(tmp, fallback, Duration.ofSeconds(4));
    }

    /** The scenario, for any outage length. */
    static void outage(Path tmp, KafkaSinkConfig.OnUnavailable fallback, Duration down) throws Exception {
        try (EmbeddedKafka broker = new EmbeddedKafka()) {
            String bs = broker.start(tmp.resolve("broker"));
            KafkaSinkConfig cfg = KafkaSinkConfig.of(bs).withSpoolDir(tmp.resolve("spool")).withOnUnavailable(fallback)
                    .withMaxEventsPerRecord(20);
            String runId = "outage-" + fallback.name().toLowerCase();
            List<RunEvent> produced = Collections.synchronizedList(new ArrayList<>());
            PublishSummary summary;
            ExecutorService vms = Executors.newFixedThreadPool(4);
            try (RunPublisher pub = new RunPublisher(cfg)) {
                Publication p = pub.open();
                long ticks = 40; // per variant, 25 ms apart: 1 s of "run"
                CompletableFuture<?> v1 = variant(vms, p, produced, runId, "steady/v1", 2 * ticks);
                CompletableFuture<?> v2 = variant(vms, p, produced, runId, "steady/v2", 2 * ticks);
                Thread.sleep(600);
                broker.kill(); // SIGKILL: a crash, not a clean shutdown
                long killedAt = System.nanoTime();
                Thread.sleep(300);
                CompletableFuture<?> v3 = variant(vms, p, produced, runId, "steady/v3", ticks); // starts in it
                Thread.sleep(Math.max(0, down.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt)));
                assertThat(broker.restart()).isEqualTo(bs);
                CompletableFuture.allOf(v1, v2, v3).get(120, TimeUnit.SECONDS);
                variant(vms, p, produced, runId, "steady/v4", ticks).get(120, TimeUnit.SECONDS);
                p.complete();
                summary = p.done().get(180, TimeUnit.SECONDS);
            } finally {
                vms.shutdownNow();
            }
            System.out.println("[outage " + fallback + " " + down.toSeconds() + " s] " + summary.line());
            assertThat(summary.balanced()).as(summary.line()).isTrue();
            assertThat(summary.events()).isEqualTo(produced.size());
            assertThat(summary.failed()).as(summary.line()).isZero();
            assertThat(summary.pending()).as(summary.line()).isZero();

            List<String> topics = new TopicLayout("ktstr4j").allNames().stream()
                    .filter(t -> !t.endsWith(".latest")).toList();
            List<EventStream.Delivered> got;
            try (EventStream in = new EventStream(bs, Map.of(), null, topics, true)) {
                got = in.pollUntil(produced.size(), Duration.ofSeconds(60));
                got.addAll(in.poll(Duration.ofSeconds(1))); // anything beyond would be a duplicate the dedup missed
            }
            java.util.Set<String> missing = new java.util.TreeSet<>(produced.stream().map(RunEvent::eventId).toList());
            got.forEach(d -> missing.remove(d.event().eventId()));
            assertThat(missing).as("events not read back (%s)", summary.line()).isEmpty();
            assertThat(got).hasSize(produced.size());
            Map<String, List<Long>> want = new LinkedHashMap<>();
            for (RunEvent e : List.copyOf(produced)) {
                String t = new EventRouter(TopicLayout.defaults()).routes(e).get(0).topic();
                want.computeIfAbsent(t + "|" + e.variantKey(), k -> new ArrayList<>()).add(e.seq());
            }
            want.values().forEach(Collections::sort); // each variant emits in seq order
            Map<String, List<Long>> have = new LinkedHashMap<>();
            for (EventStream.Delivered d : got) {
                have.computeIfAbsent(d.topic() + "|" + d.event().variantKey(), k -> new ArrayList<>())
                        .add(d.event().seq());
            }
            assertThat(have).isEqualTo(want);
            assertThat(SpoolFilesLeft.count(tmp.resolve("spool"))).isZero();
        }
    }

    /** One variant's events, emitted from a thread of its own at the pace of a run (as a VM's threads would). */
    private static CompletableFuture<?> variant(ExecutorService vms, Publication p, List<RunEvent> produced,
                                                String runId, String key, long ticks) {
        List<RunEvent> events = new SyntheticRun(runId, key, 4, (int) ticks, Outcome.PASS).events();
        return CompletableFuture.runAsync(() -> {
            for (RunEvent e : events) {
                produced.add(e);
                p.offer(e);
                if (e.body() instanceof io.ktstr4j.schemas.event.MonitorSample) {
                    try {
                        Thread.sleep(25);
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }, vms);
    }
}
