package io.ktstr4j.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import io.ktstr4j.sink.kafka.spool.SpoolFiles;
import io.ktstr4j.sink.kafka.spool.SpoolReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher's state machine without a broker: {@link FakeTransport} acknowledges, fails or holds records. Each
 * test checks the invariant {@code events = acked + spooled + failed} and what reached the "broker", per key in order.
 */
class PublicationTest {
    @TempDir
    Path tmp;

    private KafkaSinkConfig config() {
        return KafkaSinkConfig.of("127.0.0.1:9").withSpoolDir(tmp.resolve("spool")).withMaxEventsPerRecord(20)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(20));
    }

    private Publication open(KafkaSinkConfig cfg, FakeTransport t, Publication.Window w, boolean reachable) {
        RunPublisher p = new RunPublisher(cfg);
        return new Publication(cfg, cfg.bootstrap(), p.encoder(), t, w, reachable, r -> { });
    }

    private static List<RunEvent> run(String id, int variants, int ticks) {
        List<RunEvent> all = new ArrayList<>();
        for (int v = 0; v < variants; v++) {
            all.addAll(new SyntheticRun(id, "steady/v" + v, 4, ticks, Outcome.PASS).events());
        }
        all.sort((x, y) -> Long.compare(x.seq(), y.seq())); // interleaved, as concurrent VMs would emit
        return all;
    }

    /** Each key's seqs in the order they reached the broker, duplicates dropped (consumers dedupe by event id). */
    private static Map<String, List<Long>> perKey(List<RunEvent> events) {
        Map<String, List<Long>> m = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (RunEvent e : events) {
            if (seen.add(e.eventId())) {
                m.computeIfAbsent(e.body().typeName().replaceAll("\\..*", "") + "|" + e.variantKey(),
                        k -> new ArrayList<>()).add(e.seq());
            }
        }
        return m;
    }

    private static PublishSummary await(Publication p) throws Exception {
        return p.done().get(60, TimeUnit.SECONDS);
    }

    @Test
    void everyEventIsAckedLiveWhenKafkaKeepsUp() throws Exception {
        FakeTransport t = new FakeTransport();
        Publication p = open(config(), t, Publication.Window.DEFAULT, true);
        List<RunEvent> in = run("r1", 3, 50);
        in.forEach(p::offer);
        p.complete();
        PublishSummary s = await(p);
        assertThat(s.balanced()).as(s.line()).isTrue();
        assertThat(s.acked()).isEqualTo(in.size());
        assertThat(s.spooled()).isZero();
        assertThat(perKey(t.events())).isEqualTo(perKey(in));
        assertThat(t.maxInFlightPerKey()).isEqualTo(1);
        assertThat(t.senderThreads()).as("only the dispatcher sends").containsOnly("ktstr4j-kafka-dispatch");
        assertThat(SpoolFiles.sessions(tmp.resolve("spool"))).isEmpty();
    }

    @Test
    void anOutageGoesToTheSpoolAndIsReplayedInOrderPerKey() throws Exception {
        FakeTransport t = new FakeTransport();
        Publication p = open(config(), t, Publication.Window.DEFAULT, true);
        List<RunEvent> in = run("r2", 4, 200);
        int n = in.size();
        in.subList(0, n / 4).forEach(p::offer);
        t.up(false);
        in.subList(n / 4, n / 2).forEach(p::offer);
        waitUntil(() -> t.failed() > 0); // Kafka failed records: an episode is under way
        in.subList(n / 2, 3 * n / 4).forEach(p::offer);
        Thread.sleep(300); // a few probes fail
        t.up(true);
        in.subList(3 * n / 4, n).forEach(p::offer);
        p.complete();
        PublishSummary s = await(p);
        assertThat(s.balanced()).as(s.line()).isTrue();
        assertThat(s.spooled()).as("the outage must have sent events to the spool: " + s.line()).isPositive();
        assertThat(s.replayed()).isEqualTo(s.spooled());
        assertThat(s.failed()).isZero();
        assertThat(perKey(t.events())).isEqualTo(perKey(in));
        assertThat(SpoolFilesLeft.count(tmp.resolve("spool"))).isZero();
        assertThat(t.maxInFlightPerKey()).as("records of one key in flight at once, live or replayed").isEqualTo(1);
    }

    @Test
    void aFullWindowSpillsToTheSpoolWithoutMakingTheRunWait() throws Exception {
        FakeTransport t = new FakeTransport().holding(true);
        Publication p = open(config(), t, new Publication.Window(4, 1 << 20), true);
        List<RunEvent> in = run("r3", 2, 300);
        long t0 = System.nanoTime();
        in.forEach(p::offer);
        long offerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        // The dispatcher sends 4 records, then spools the rest while Kafka holds them.
        waitUntil(() -> t.heldCount() > 0);
        Thread.sleep(200);
        assertThat(t.sent()).as("nothing beyond the window was sent").isBetween(1, 4);
        t.release();
        p.complete();
        PublishSummary s = await(p);
        assertThat(s.balanced()).as(s.line()).isTrue();
        assertThat(s.spooled()).isPositive();
        assertThat(s.replayed()).isEqualTo(s.spooled());
        assertThat(perKey(t.events())).isEqualTo(perKey(in));
        assertThat(offerMs).as("offering %d events", in.size()).isLessThan(5_000);
    }

    @Test
    void aShutdownSpoolsWhatIsInFlightAndUnsentAndEveryEventIsAccountedFor() throws Exception {
        FakeTransport t = new FakeTransport().holding(true);
        Publication p = open(config(), t, Publication.Window.DEFAULT, true);
        List<RunEvent> in = run("r4", 2, 100);
        in.forEach(p::offer);
        waitUntil(() -> t.heldCount() > 0);
        p.shutdown(Duration.ofMillis(300));
        PublishSummary s = await(p);
        assertThat(s.balanced()).as(s.line()).isTrue();
        assertThat(s.events()).isEqualTo(in.size());
        assertThat(s.acked()).isZero();
        assertThat(s.spooled()).isEqualTo(in.size());
        // What the spool holds is every event, each key in order.
        List<RunEvent> spooled = readSpool(s.spoolDir());
        assertThat(perKey(spooled)).isEqualTo(perKey(in));
        p.offer(in.get(0));
        assertThat(p.lateEvents()).isEqualTo(1);
    }

    @Test
    void aStuckDispatcherCountsWhatOverflowsTheInboxAsFailedWithTheReason() throws Exception {
        FakeTransport t = new FakeTransport();
        KafkaSinkConfig cfg = config().withBufferEvents(100);
        Publication p = open(cfg, t, Publication.Window.DEFAULT, true);
        t.blockSends(true);
        List<RunEvent> in = run("r5", 1, 400);
        p.offer(in.get(0));
        Thread.sleep(100); // the dispatcher is now inside send(), stuck
        for (int i = 1; i < in.size(); i++) {
            p.offer(in.get(i));
        }
        t.blockSends(false);
        p.complete();
        PublishSummary s = await(p);
        assertThat(s.balanced()).as(s.line()).isTrue();
        assertThat(s.failed()).isPositive();
        assertThat(s.failures()).containsKey("the inbox (100 events) was full");
        assertThat(s.acked() + s.failed()).isEqualTo(in.size());
    }

    @Test
    void aClusterAwayAtTheStartIsProbedUntilItAnswersThenEverythingIsReplayed() throws Exception {
        FakeTransport t = new FakeTransport().up(false);
        Publication p = open(config(), t, Publication.Window.DEFAULT, false);
        List<RunEvent> in = run("r6", 2, 100);
        in.forEach(p::offer);
        Thread.sleep(500);
        assertThat(t.sent()).as("nothing is sent while probes fail").isZero();
        t.up(true);
        p.complete();
        PublishSummary s = await(p);
        assertThat(s.balanced()).as(s.line()).isTrue();
        assertThat(s.spooled()).isEqualTo(in.size());
        assertThat(s.replayed()).isEqualTo(in.size());
        assertThat(perKey(t.events())).isEqualTo(perKey(in));
    }

    @Test
    void aSubscribedStreamIsHeldBackByDemandInsteadOfSpilled() throws Exception {
        FakeTransport t = new FakeTransport();
        KafkaSinkConfig cfg = config().withBufferEvents(64);
        Publication p = open(cfg, t, Publication.Window.DEFAULT, true);
        List<RunEvent> in = run("r7", 4, 500);
        p.subscribe(reactor.core.publisher.Flux.fromIterable(in));
        PublishSummary s = await(p);
        assertThat(s.balanced()).as(s.line()).isTrue();
        assertThat(s.failed()).as("a cold stream bigger than the inbox is never overflowed").isZero();
        assertThat(s.acked()).isEqualTo(in.size());
    }

    @Test
    void aFullSpoolDiskCountsTheLossWithItsReasonAndTheRunGoesOn() throws Exception {
        try (io.ktstr4j.sink.kafka.spool.SmallTmpfs disk = io.ktstr4j.sink.kafka.spool.SmallTmpfs.mount(
                tmp.resolve("small"), "1m")) {
            FakeTransport t = new FakeTransport().up(false);
            KafkaSinkConfig cfg = config().withSpoolDir(disk.dir().resolve("spool"))
                    .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(500));
            Publication p = open(cfg, t, Publication.Window.DEFAULT, false);
            List<RunEvent> in = run("r8", 4, 1500); // about 5 MB of records: five times the disk
            long t0 = System.nanoTime();
            in.forEach(p::offer);
            long offerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            p.complete();
            PublishSummary s = await(p);
            assertThat(s.balanced()).as(s.line()).isTrue();
            assertThat(s.spooled()).as("what fitted was spooled: " + s.line()).isPositive();
            assertThat(s.failed()).as("what did not fit is counted: " + s.line()).isPositive();
            assertThat(s.failures().keySet()).allSatisfy(r -> assertThat(r).contains("No space left on device"));
            assertThat(s.line()).contains("No space left on device");
            assertThat(s.warnings()).anySatisfy(w -> assertThat(w).contains("No space left on device"));
            assertThat(offerMs).as("the run never waited for the disk").isLessThan(5_000);
            // What is in the spool reads back cleanly: the failed appends were cut off, no torn entry in between.
            List<RunEvent> kept = readSpool(s.spoolDir());
            assertThat((long) kept.size()).isEqualTo(s.spooled());
        }
    }

    @Test
    void aSubscribedStreamLargerThanItsDemandIsSpooledWhileKafkaIsAwayAndTheDrainEnds() throws Exception {
        FakeTransport t = new FakeTransport().up(false);
        KafkaSinkConfig cfg = config().withBufferEvents(64)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(300));
        Publication p = open(cfg, t, Publication.Window.DEFAULT, false);
        List<RunEvent> in = run("r9", 2, 300); // far more than the 32 events of demand given at a time
        p.subscribe(reactor.core.publisher.Flux.fromIterable(in));
        PublishSummary s = await(p);
        assertThat(s.balanced()).as(s.line()).isTrue();
        assertThat(s.spooled()).isEqualTo(in.size());
        assertThat(s.pending()).as("Kafka never came back: all of it waits in the spool").isEqualTo(in.size());
    }

    /**
     * The run's thread (a vCPU thread, for console lines) never encodes or touches the disk, even in a spool episode:
     * offered from an interrupted thread, every event is still spooled (a FileChannel written on an interrupted thread
     * closes with ClosedByInterruptException, which is how the old tee, appending on the emitting thread, failed).
     */
    @Test
    void offersNeverTouchTheDiskOnTheRunsThread() throws Exception {
        FakeTransport t = new FakeTransport().up(false);
        KafkaSinkConfig cfg = config().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(200));
        Publication p = open(cfg, t, Publication.Window.DEFAULT, false);
        List<RunEvent> in = run("r10", 2, 200);
        Thread vcpu = new Thread(() -> {
            Thread.currentThread().interrupt();
            in.forEach(p::offer);
        }, "fake-vcpu");
        vcpu.start();
        vcpu.join();
        p.complete();
        PublishSummary s = await(p);
        assertThat(s.balanced()).as(s.line()).isTrue();
        assertThat(s.failed()).as(s.line()).isZero();
        assertThat(s.spooled()).isEqualTo(in.size());
    }

    @Test
    void aSpooledRecordKafkaRejectsForGoodIsCountedFailedAndTheReplayGoesOn() throws Exception {
        FakeTransport t = new FakeTransport().up(false).rejecting(".lifecycle");
        Publication p = open(config(), t, Publication.Window.DEFAULT, false);
        List<RunEvent> in = run("r11", 2, 100);
        in.forEach(p::offer);
        Thread.sleep(300);
        t.up(true);
        p.complete();
        PublishSummary s = await(p);
        assertThat(s.balanced()).as(s.line()).isTrue();
        assertThat(s.failures()).containsKey("Kafka rejected a spooled record for good");
        assertThat(s.pending()).as("nothing blocks the replay: " + s.line()).isZero();
        long lifecycle = in.stream().filter(e -> new EventRouter(TopicLayout.defaults()).routes(e).get(0).topic()
                .endsWith(".lifecycle")).count();
        assertThat(s.failed()).isEqualTo(lifecycle);
        assertThat(s.replayed()).isEqualTo(in.size() - lifecycle);
    }

    private static List<RunEvent> readSpool(Path session) {
        SpoolReader r = new SpoolReader(session, false);
        RecordDecoder d = new RecordDecoder();
        List<RunEvent> out = new ArrayList<>();
        for (Optional<SpoolReader.Entry> e; (e = r.next()).isPresent(); ) {
            OutRecord rec = e.get().record();
            if (!rec.topic().endsWith(".latest")) {
                d.decode(rec, 0).forEach(j -> out.add(EventCodec.decode(j, "spool")));
            }
        }
        return out;
    }

    private static void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
