package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.sink.kafka.consumer.EventStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Sinks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker dies in the middle of a run and comes back: nothing may be lost, every key stays in order. */
@Tag("kafka")
class BrokerFaultTest {
    @TempDir
    Path tmp;

    @Test
    void brokerStoppedMidRunThenRestartedLosesNothingAndKeepsOrderPerKey() throws Exception {
        try (EmbeddedKafka broker = new EmbeddedKafka()) {
            String bs = broker.start(tmp.resolve("broker"));
            KafkaSinkConfig cfg = KafkaSinkConfig.of(bs).withSpoolDir(tmp.resolve("spool")).withBufferEvents(100)
                    .withMaxEventsPerRecord(20)
                    .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(60));
            List<RunEvent> produced = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                produced.addAll(new SyntheticRun("fault-" + r, "steady/v" + r, 4, 300, Outcome.PASS).events());
            }
            // Interleave the three runs, as concurrent VMs would.
            produced.sort((x, y) -> Long.compare(x.seq(), y.seq()));

            Sinks.Many<RunEvent> run = Sinks.many().unicast().onBackpressureBuffer();
            PublishSummary summary;
            try (RunPublisher pub = new RunPublisher(cfg)) {
                CompletableFuture<PublishSummary> done = pub.publish(run.asFlux()).toFuture();
                CompletableFuture<String> restarted = null;
                int n = produced.size();
                for (int i = 0; i < n; i++) {
                    if (i == n / 4) {
                        broker.kill(); // SIGKILL: a crash, not a clean shutdown
                    }
                    if (i == n / 2) {
                        restarted = CompletableFuture.supplyAsync(broker::restart); // comes back while we go on
                    }
                    run.tryEmitNext(produced.get(i)).orThrow();
                    Thread.sleep(3); // a run emits over time, not all at once
                }
                run.tryEmitComplete().orThrow();
                assertThat(restarted).isNotNull();
                assertThat(restarted.get()).isEqualTo(bs);
                summary = done.get();
            }
            assertThat(summary.events()).isEqualTo(produced.size());
            assertThat(summary.spooled()).as("the outage must have sent events to the spool").isPositive();
            assertThat(summary.replayed()).isEqualTo(summary.spooled());
            assertThat(summary.failed()).isZero();
            assertThat(summary.acked() + summary.spooled()).isEqualTo(produced.size());
            assertThat(summary.pending()).isZero();

            List<String> topics = new TopicLayout("ktstr4j").allNames().stream()
                    .filter(t -> !t.endsWith(".latest")).toList();
            List<EventStream.Delivered> got;
            try (EventStream in = new EventStream(bs, Map.of(), null, topics, true)) {
                got = in.pollUntil(produced.size(), Duration.ofSeconds(60));
                got.addAll(in.poll(Duration.ofSeconds(1))); // anything beyond would be a bug
                assertThat(in.malformed()).isZero();
            }
            java.util.Set<String> missing = new java.util.TreeSet<>(produced.stream().map(RunEvent::eventId).toList());
            got.forEach(d -> missing.remove(d.event().eventId()));
            assertThat(missing).as("events not read back (%s)", summary.line()).isEmpty();
            assertThat(got).hasSize(produced.size());
            // Per key: exactly the produced sequence, in order.
            Map<String, List<Long>> want = new LinkedHashMap<>();
            EventRouter router = new EventRouter(TopicLayout.defaults());
            for (RunEvent e : produced) {
                String t = router.routes(e.body().typeName(), e.runId(), e.variantKey()).get(0).topic();
                want.computeIfAbsent(t + "|" + e.runId() + "/" + e.variantKey(), k -> new ArrayList<>()).add(e.seq());
            }
            Map<String, List<Long>> have = new LinkedHashMap<>();
            for (EventStream.Delivered d : got) {
                have.computeIfAbsent(d.topic() + "|" + d.key(), k -> new ArrayList<>()).add(d.event().seq());
            }
            assertThat(have).isEqualTo(want);
            assertThat(SpoolFilesLeft.count(tmp.resolve("spool"))).isZero();
        }
    }
}
