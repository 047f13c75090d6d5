package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import io.ktstr4j.sink.kafka.spool.SpoolFiles;
import io.ktstr4j.sink.kafka.spool.SpoolReader;
import io.ktstr4j.sink.kafka.spool.SpoolWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * One publish of one event stream. Three parties:
 * <ul>
 *   <li>the run's thread(s) call {@link #ingest}: the event goes into a bounded in-memory queue, or, once the queue
 *       is full or Kafka has failed ("spool mode"), into spool lane b — never blocking on Kafka;</li>
 *   <li>the dispatcher (a dedicated platform thread) drains the queue, batches events into records and sends them; on
 *       the first failed send it switches to spool mode, waits for the records in flight, and writes those that failed,
 *       then the rest of the queue, to spool lane a (older than anything in lane b); it then replays the spool (lane a,
 *       then b) in chunks whenever the cluster answers, and returns to live mode once the spool is empty;</li>
 *   <li>Kafka's thread runs the send callbacks (counters, failures).</li>
 * </ul>
 * The order of every key's events is therefore kept across a failure: acked live, then lane a, then lane b.
 */
final class PublishSession {
    private static final Logger log = LoggerFactory.getLogger(PublishSession.class);
    private static final int MAX_BATCH_EVENTS = 8192;
    private static final int MAX_IN_FLIGHT = 1024;
    private static final long SYNC_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long SEGMENT_BYTES = 64L << 20;

    private final KafkaSinkConfig cfg;
    private final String bootstrap;
    private final RecordEncoder encoder;
    private final MonoSink<PublishSummary> sink;
    private final java.util.function.Consumer<OutRecord> ackListener;
    private final ArrayBlockingQueue<RunEvent> queue;
    private final Object ingressLock = new Object();
    private volatile boolean spoolMode;
    private volatile boolean upstreamDone;
    private volatile Throwable upstreamError;
    private volatile boolean cancelled;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentLinkedQueue<Failed> failures = new ConcurrentLinkedQueue<>();
    private final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
    private long sendSeq;
    private volatile Path session; // written under sessionDir()'s lock, read by summary() and cleanup()
    private volatile FileChannel lockChannel;
    private volatile FileLock lock;
    private SpoolWriter laneB;
    private KafkaTransport transport;
    private TopicAdmin admin;
    private volatile Subscription upstream;
    private boolean warnedSpool;

    private record Failed(long seq, OutRecord record, Throwable error) {
    }

    PublishSession(KafkaSinkConfig cfg, String bootstrap, RecordEncoder encoder, MonoSink<PublishSummary> sink,
                   java.util.function.Consumer<OutRecord> ackListener) {
        this.ackListener = ackListener;
        this.cfg = cfg;
        this.bootstrap = bootstrap;
        this.encoder = encoder;
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(cfg.bufferEvents());
    }

    /** Body of the dispatcher thread. */
    void run(Flux<RunEvent> input) {
        try {
            admin = new TopicAdmin(bootstrap, cfg.clientProperties(), cfg.connectTimeout());
            try {
                if (cfg.createTopics()) {
                    admin.ensureTopics(encoder.router().layout());
                } else {
                    admin.brokers();
                }
            } catch (KafkaUnavailableException e) {
                if (cfg.onUnavailable() == KafkaSinkConfig.OnUnavailable.FAIL_FAST) {
                    throw e;
                }
                warn("WARNING: " + e.getMessage().replaceFirst("\\. Check the address.*", "")
                        + "; writing the run to the spool " + cfg.spoolDir() + " and replaying it if Kafka comes back");
                spoolMode = true;
                warnedSpool = true;
            }
            transport = new KafkaTransport(bootstrap, cfg.clientProperties(), cfg.deliveryTimeout());
            input.subscribeOn(Schedulers.boundedElastic()).subscribe(new Ingress());
            loop();
            finish();
        } catch (Throwable t) {
            cleanup();
            sink.error(t);
        }
    }

    void cancel() {
        cancelled = true;
        Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
    }

    // ---- ingress (the run's threads) -----------------------------------------------------------------------------

    private final class Ingress extends BaseSubscriber<RunEvent> {
        @Override
        protected void hookOnSubscribe(Subscription s) {
            upstream = s;
            if (cancelled) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        protected void hookOnNext(RunEvent e) {
            ingest(e);
        }

        @Override
        protected void hookOnComplete() {
            upstreamDone = true;
        }

        @Override
        protected void hookOnError(Throwable t) {
            upstreamError = t;
            upstreamDone = true;
        }
    }

    void ingest(RunEvent e) {
        events.incrementAndGet();
        synchronized (ingressLock) {
            if (!spoolMode) {
                if (queue.offer(e)) {
                    return;
                }
                spoolMode = true;
                warn("WARNING: the Kafka buffer (" + cfg.bufferEvents() + " events) is full: events go to the spool "
                        + "until the producer catches up");
            }
            try {
                List<OutRecord> recs = encoder.encode(List.of(EventCodec.encode(e)));
                for (OutRecord r : recs) {
                    laneB().append(r);
                    spooled.addAndGet(r.eventCount());
                }
            } catch (RuntimeException x) {
                failed.incrementAndGet();
                warn("ERROR: event " + e.eventId() + " could be neither sent nor spooled: " + x.getMessage());
            }
        }
    }

    // ---- dispatcher ----------------------------------------------------------------------------------------------

    private void loop() throws InterruptedException {
        List<RunEvent> batch = new ArrayList<>();
        while (!cancelled) {
            if (spoolMode) {
                enterSpool(List.of());
                if (!replay()) {
                    return; // drain deadline passed: leave the rest in the spool
                }
                continue;
            }
            RunEvent first = queue.poll(20, TimeUnit.MILLISECONDS);
            if (first == null) {
                if (!failures.isEmpty()) {
                    spoolMode = true;
                    continue;
                }
                if (upstreamDone && queue.isEmpty() && !spoolMode) {
                    awaitInFlight();
                    if (failures.isEmpty()) {
                        return;
                    }
                    spoolMode = true;
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH_EVENTS - 1);
            List<EncodedEvent> enc = new ArrayList<>(batch.size());
            for (RunEvent e : batch) {
                try {
                    enc.add(EventCodec.encode(e));
                } catch (RuntimeException x) {
                    failed.incrementAndGet();
                    warn("ERROR: event " + e.eventId() + " cannot be encoded: " + x.getMessage());
                }
            }
            List<OutRecord> recs = encoder.encode(enc);
            for (int i = 0; i < recs.size(); i++) {
                if (!failures.isEmpty() || transport.isBroken()) {
                    synchronized (ingressLock) {
                        spoolMode = true;
                    }
                    enterSpool(recs.subList(i, recs.size()));
                    break;
                }
                send(recs.get(i));
            }
        }
    }

    private void send(OutRecord r) throws InterruptedException {
        while (inFlight.get() >= MAX_IN_FLIGHT) {
            Thread.sleep(1); // the queue absorbs the run meanwhile; when it is full, the spool does
        }
        long seq = sendSeq++;
        inFlight.incrementAndGet();
        transport.send(r, err -> {
            if (err == null) {
                acked.addAndGet(r.eventCount());
                records.incrementAndGet();
                ackListener.accept(r);
            } else if (permanent(err)) {
                // Sending it again cannot help; spooling it would block the replay forever.
                failed.addAndGet(Math.max(1, r.eventCount()));
                warn("ERROR: Kafka rejected a record for " + r.topic() + " (events from " + r.header(KtstrHeaders.EVENT_ID)
                        + "): " + err);
            } else {
                failures.add(new Failed(seq, r, err));
            }
            inFlight.decrementAndGet();
        });
    }

    static boolean permanent(Throwable err) {
        return err instanceof org.apache.kafka.common.errors.RecordTooLargeException
                || err instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException
                || err instanceof org.apache.kafka.common.errors.InvalidTopicException
                || err instanceof org.apache.kafka.common.errors.SerializationException;
    }

    private void awaitInFlight() throws InterruptedException {
        long deadline = System.nanoTime() + cfg.deliveryTimeout().toNanos() + TimeUnit.SECONDS.toNanos(15);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    /**
     * Moves everything not yet acknowledged into spool lane a, in production order: failed in-flight records (by send
     * order), then {@code unsent}, then whatever is left in the queue. Ingress writes lane b from now on.
     */
    private void enterSpool(List<OutRecord> unsent) throws InterruptedException {
        List<RunEvent> rest = new ArrayList<>();
        synchronized (ingressLock) {
            spoolMode = true;
            queue.drainTo(rest);
        }
        awaitInFlight();
        List<Failed> f = new ArrayList<>();
        for (Failed x; (x = failures.poll()) != null; ) {
            f.add(x);
        }
        if (f.isEmpty() && unsent.isEmpty() && rest.isEmpty()) {
            return;
        }
        f.sort(Comparator.comparingLong(Failed::seq));
        if (!f.isEmpty() && !warnedSpool) {
            warnedSpool = true;
            warn("WARNING: Kafka at " + bootstrap + " did not acknowledge records (" + f.get(0).error() + "); events "
                    + "go to the spool " + sessionDir() + " and are replayed when it is back");
        }
        List<EncodedEvent> enc = new ArrayList<>();
        for (RunEvent e : rest) {
            enc.add(EventCodec.encode(e));
        }
        try (SpoolWriter laneA = new SpoolWriter(sessionDir(), 'a', SEGMENT_BYTES, Long.MAX_VALUE)) {
            for (Failed x : f) {
                append(laneA, x.record());
            }
            for (OutRecord r : unsent) {
                append(laneA, r);
            }
            for (OutRecord r : encoder.encode(enc)) {
                append(laneA, r);
            }
        }
    }

    private void append(SpoolWriter w, OutRecord r) {
        try {
            w.append(r);
            spooled.addAndGet(r.eventCount());
        } catch (UncheckedIOException e) {
            failed.addAndGet(Math.max(1, r.eventCount()));
            warn("ERROR: " + e.getMessage());
        }
    }

    /** Replays the spool until it is empty (true) or, after the run ended, the drain timeout passes (false). */
    private boolean replay() throws InterruptedException {
        Path dir = sessionDir();
        SpoolReader reader = new SpoolReader(dir, true);
        long backoffMs = 200;
        long drainDeadline = Long.MAX_VALUE;
        boolean reachable = false;
        while (!cancelled) {
            if (upstreamDone && drainDeadline == Long.MAX_VALUE) {
                drainDeadline = System.nanoTime() + cfg.drainTimeout().toNanos();
            }
            if (System.nanoTime() > drainDeadline) {
                return false;
            }
            if (!reachable) {
                // The run keeps appending to lane b while Kafka is away; its last entries must not wait in the page
                // cache until the broker comes back (a host crash would lose them).
                synchronized (ingressLock) {
                    if (laneB != null) {
                        laneB.sync();
                    }
                }
                long left = drainDeadline == Long.MAX_VALUE ? Long.MAX_VALUE : drainDeadline - System.nanoTime();
                reachable = probe(Duration.ofNanos(Math.min(left, cfg.connectTimeout().toNanos())));
                if (!reachable) {
                    Thread.sleep(Math.max(0, Math.min(backoffMs, (drainDeadline - System.nanoTime()) / 1_000_000)));
                    backoffMs = Math.min(backoffMs * 2, 2000);
                    continue;
                }
            }
            if (transport.isBroken()) {
                transport.close();
                transport = new KafkaTransport(bootstrap, cfg.clientProperties(), cfg.deliveryTimeout());
            }
            SpoolPump.Step step = SpoolPump.sendChunk(reader, transport, 512, 16L << 20,
                    cfg.deliveryTimeout().plusSeconds(5), this::isOpenSegment);
            if (step.error() != null) {
                reachable = false;
                continue;
            }
            backoffMs = 200;
            replayed.addAndGet(step.events());
            records.addAndGet(step.records());
            if (step.empty()) {
                synchronized (ingressLock) {
                    if (laneB != null) {
                        laneB.sync();
                    }
                    if (reader.atEnd()) {
                        closeLaneB();
                        deleteReplayed(dir);
                        spoolMode = false;
                        warnedSpool = false;
                        return true;
                    }
                }
                if (!upstreamDone) {
                    Thread.sleep(5);
                }
            }
        }
        return false;
    }

    private boolean probe(Duration timeout) {
        try {
            admin.brokers(timeout);
            return true;
        } catch (KafkaUnavailableException e) {
            return false;
        }
    }

    private boolean isOpenSegment(Path p) {
        SpoolWriter w = laneB;
        return w != null && p.equals(w.currentSegment());
    }

    // ---- spool files ---------------------------------------------------------------------------------------------

    /**
     * Synchronized: the ingress (lane b) and the dispatcher (lane a, replay) both reach here first; two racing callers
     * each made a session and the first one's lock leaked, so its spooled events showed as "in use" to replay until the
     * JVM exited.
     */
    private synchronized Path sessionDir() {
        if (session == null) {
            session = cfg.spoolDir().resolve(SpoolFiles.newSessionName());
            try {
                Files.createDirectories(session);
                lockChannel = FileChannel.open(session.resolve(SpoolFiles.LOCK), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                lock = lockChannel.tryLock();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the spool directory " + session + ": "
                        + e.getMessage(), e);
            }
        }
        return session;
    }

    private SpoolWriter laneB() {
        if (laneB == null) {
            laneB = new SpoolWriter(sessionDir(), 'b', SEGMENT_BYTES, SYNC_NANOS);
        }
        return laneB;
    }

    private void closeLaneB() {
        if (laneB != null) {
            laneB.close();
            laneB = null;
        }
    }

    /** After a complete replay: every segment and the cursor go (the next episode starts from nothing). */
    private static void deleteReplayed(Path dir) {
        try {
            for (Path p : SpoolFiles.segments(dir)) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir.resolve(SpoolFiles.CURSOR));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete replayed spool segments in " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    // ---- end -----------------------------------------------------------------------------------------------------

    private void finish() throws InterruptedException {
        if (cancelled || spoolMode) {
            // Whatever is not acknowledged must be on disk before we go.
            synchronized (ingressLock) {
                spoolMode = true;
            }
            enterSpool(List.of());
        }
        PublishSummary s = summary();
        cleanup();
        log.info(s.line());
        if (upstreamError != null && !cancelled) {
            sink.error(upstreamError);
        } else {
            sink.success(s);
        }
    }

    private PublishSummary summary() {
        long pending = spooled.get() - replayed.get();
        return new PublishSummary(events.get(), acked.get(), spooled.get(), replayed.get(), failed.get(),
                records.get(), session, List.copyOf(warnings));
    }

    private void cleanup() {
        synchronized (ingressLock) {
            closeLaneB();
        }
        if (transport != null) {
            transport.close();
        }
        if (admin != null) {
            admin.close();
        }
        log.debug("publish session resources released");
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
            if (session != null && SpoolFiles.segments(session).isEmpty()) {
                Files.deleteIfExists(session.resolve(SpoolFiles.CURSOR));
                Files.deleteIfExists(session.resolve(SpoolFiles.LOCK));
                Files.deleteIfExists(session);
            }
        } catch (IOException e) {
            log.warn("cannot clean up spool directory {}: {}", session, e.toString());
        }
    }

    private void warn(String message) {
        warnings.add(message);
        log.warn(message);
    }

    Duration deliveryTimeout() {
        return cfg.deliveryTimeout();
    }
}
