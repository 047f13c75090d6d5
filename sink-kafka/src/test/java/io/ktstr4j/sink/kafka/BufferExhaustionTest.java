package io.ktstr4j.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.consumer.EventStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records of about 480 KiB (each event its own record, near the 512 KiB part size) in a burst larger than the
 * producer's {@code buffer.memory} (128 MiB): {@code producer.send} must never wait for buffer space on the run's or
 * the dispatcher's thread (the window holds at most 64 MiB in flight), what does not fit goes to the spool and is
 * replayed, and every event is read back.
 */
@Tag("kafka")
class BufferExhaustionTest {
    @TempDir
    Path tmp;

    @Test
    void aBurstOfHalfMegabyteRecordsBeyondBufferMemoryLosesNothing() throws Exception {
        Random rnd = new Random(42);
        List<RunEvent> burst = new ArrayList<>();
        int n = 300; // 300 × ~480 KiB ≈ 140 MiB > buffer.memory
        for (int i = 0; i < n; i++) {
            byte[] noise = new byte[360 * 1024]; // base64: 480 KiB of text zstd cannot shrink much
            rnd.nextBytes(noise);
            burst.add(new RunEvent("burst", "big/v" + (i % 4), i / 4, Instant.now(),
                    new ConsoleLine(ConsoleLine.COM1, i, Base64.getEncoder().encodeToString(noise))));
        }
        try (EmbeddedKafka broker = new EmbeddedKafka()) {
            String bs = broker.start(tmp.resolve("broker"));
            KafkaSinkConfig cfg = KafkaSinkConfig.of(bs).withSpoolDir(tmp.resolve("spool"));
            PublishSummary s;
            long offerMs;
            try (RunPublisher pub = new RunPublisher(cfg)) {
                Publication p = pub.open();
                long t0 = System.nanoTime();
                burst.forEach(p::offer);
                offerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                p.complete();
                s = p.done().get(300, TimeUnit.SECONDS);
            }
            System.out.println("[burst] offers took " + offerMs + " ms; " + s.line());
            assertThat(s.balanced()).as(s.line()).isTrue();
            assertThat(s.failed()).as(s.line()).isZero();
            assertThat(s.pending()).as(s.line()).isZero();
            assertThat(offerMs).as("offering the burst never waited").isLessThan(10_000);
            List<String> topics = new TopicLayout("ktstr4j").allNames().stream()
                    .filter(t -> !t.endsWith(".latest")).toList();
            Set<String> missing = new TreeSet<>(burst.stream().map(RunEvent::eventId).toList());
            try (EventStream in = new EventStream(bs, Map.of(), null, topics, true)) {
                in.pollUntil(n, Duration.ofSeconds(120)).forEach(d -> missing.remove(d.event().eventId()));
            }
            assertThat(missing).as("events not read back (%s)", s.line()).isEmpty();
        }
    }
}
