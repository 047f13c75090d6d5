package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import io.ktstr4j.sink.kafka.spool.SpoolReader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;

/**
 * One publish of one run (one command) to Kafka: events in, every one of them acknowledged by the broker, written to
 * the spool, or counted as failed with its reason. At every exit: {@code events = acked + spooled + failed}.
 *
 * <h2>Threads and hand-offs</h2>
 * <ul>
 *   <li>The run's threads (vCPU threads among them) call {@link #offer}: a counter and a queue insert, nothing else;
 *       they never encode, never touch the disk, never wait. A {@link #subscribe(org.reactivestreams.Publisher)
 *       subscribed} stream gets bounded demand instead: at most half the inbox outstanding, renewed as the dispatcher
 *       takes events.</li>
 *   <li>The inbox: one queue holding events (at most {@code bufferEvents}; beyond that an offered event is counted
 *       failed, "inbox full", never dropped silently) and the answers from Kafka (at most one per record in flight).</li>
 *   <li>The dispatcher: one thread of its own, the only owner of all state below. It encodes events into records,
 *       sends them while the in-flight window has room, and otherwise writes them to the spool; it is the only thread
 *       that writes the spool, so no lock guards it.</li>
 *   <li>The {@link Transport}'s threads run the callbacks, which only put answers into the inbox.</li>
 * </ul>
 *
 * <h2>Modes</h2>
 * LIVE: records go to Kafka. The first record that cannot go (window full, or a record Kafka did not acknowledge)
 * starts a spool episode: from then on every new record goes to lane b; records that were in flight and fail go to
 * lane a. When no live record is in flight any more (all answered, so lane a is complete) and the cluster answers, the
 * spool is replayed, lane a then lane b, a chunk at a time: a chunk is committed when all of it is acknowledged, read
 * again from its start when any of it failed. When the replay reaches the end of the spool, the episode ends and the
 * mode is LIVE again. So every key's records reach Kafka in order: acked live, then lane a, then lane b. Within
 * the window a key has at most one record in flight ({@link KeyedWindow}): a later record of a key is sent only once
 * the earlier one is acknowledged, so Kafka never holds a later record of a key whose earlier one failed.
 *
 * <h2>Ending</h2>
 * After the last event ({@link #complete}) the dispatcher drains for at most {@code drainTimeout}, then leaves the
 * rest in the spool. {@link #shutdown} (Ctrl-C, SIGTERM, a cancelled publish) gives Kafka until its deadline, then
 * writes everything not yet acknowledged to the spool (records still in flight to lane a: they may reach Kafka twice,
 * consumers drop duplicates by event id), fsyncs it and ends.
 */
public final class Publication {
    private static final Logger log = LoggerFactory.getLogger(Publication.class);
    private static final int MAX_BATCH_EVENTS = 8192;
    private static final int REPLAY_CHUNK_RECORDS = 512;
    private static final long REPLAY_CHUNK_BYTES = 16L << 20;
    private static final String REJECTED_FROM_SPOOL = "Kafka rejected a spooled record for good";
    /** Batches at least this large are encoded in parallel. */
    private static final int PARALLEL_BATCH = 256;

    /** Sizes of the in-flight window between the dispatcher and the transport. */
    public record Window(int records, long bytes) {
        public static final Window DEFAULT = new Window(1024, KafkaTransport.BUFFER_MEMORY / 2);
    }

    private sealed interface Signal permits EventIn, Answer, ProbeAnswer, Complete, Shutdown {
    }

    private record EventIn(RunEvent event, FluxIngress source) implements Signal {
    }

    /** Kafka's answer for one record: {@code id} names it in the window (live, or a replay chunk's). */
    private record Answer(long id, Throwable error) implements Signal {
    }

    private record ProbeAnswer(boolean up) implements Signal {
    }

    private record Complete(Throwable upstreamError) implements Signal {
    }

    private record Shutdown(long deadlineNanos) implements Signal {
    }

    private enum Mode { LIVE, SPOOL }

    // ---- shared with the run's threads ---------------------------------------------------------------------------
    private final LinkedBlockingQueue<Signal> inbox = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedEvents = new AtomicInteger();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong inboxFull = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final Object ingress = new Object(); // orders offers against the end (no event slips past the summary)
    private boolean ended;
    private final CompletableFuture<PublishSummary> done = new CompletableFuture<>();
    private final Thread dispatcher;
    private final List<FluxIngress> sources = new java.util.concurrent.CopyOnWriteArrayList<>();

    // ---- the dispatcher's own ------------------------------------------------------------------------------------
    private final KafkaSinkConfig cfg;
    private final String bootstrap;
    private final RecordEncoder encoder;
    private final Transport transport;
    private final Window window;
    private final Consumer<OutRecord> ackListener;
    private final SpoolSession spool;
    private final java.util.concurrent.ForkJoinPool encoders;
    /** Live records, or (while {@link #chunk} is set) the replay chunk's: one in flight per key (see KeyedWindow). */
    private final KeyedWindow inFlight;
    private final Map<FluxIngress, Integer> owed = new LinkedHashMap<>();
    private boolean shutdownRequested;
    private Mode mode = Mode.LIVE;
    private boolean reachable = true;
    private final boolean startedReachable;
    private boolean probing;
    private long nextProbeAt;
    private long probeBackoffMs = 200;
    private Chunk chunk;
    private boolean inputDone;
    private Throwable upstreamError;
    private long drainDeadline = Long.MAX_VALUE;
    private long shutdownDeadline = Long.MAX_VALUE;
    private boolean syncPending;
    private long acked;
    private long spooled;
    private long replayed;
    private long records;
    private final Map<String, Long> failed = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    /** The replay chunk in the window: where it ends in the spool, what it carries, the first error of any of it. */
    private static final class Chunk {
        final int size;
        final SpoolReader.Position end;
        final long events;
        long rejected;
        Throwable error;

        Chunk(int size, SpoolReader.Position end, long events) {
            this.size = size;
            this.end = end;
            this.events = events;
        }
    }

    /**
     * Starts the dispatcher. {@code reachable}: whether the cluster answered the start-of-run check (when it did not,
     * the publication starts in a spool episode and probes until it answers).
     */
    Publication(KafkaSinkConfig cfg, String bootstrap, RecordEncoder encoder, Transport transport, Window window,
                boolean reachable, Consumer<OutRecord> ackListener) {
        this.cfg = cfg;
        this.bootstrap = bootstrap;
        this.encoder = encoder;
        this.transport = transport;
        this.window = window;
        this.ackListener = ackListener;
        this.spool = new SpoolSession(cfg.spoolDir());
        int cores = Runtime.getRuntime().availableProcessors();
        this.encoders = cores < 2 ? null : new java.util.concurrent.ForkJoinPool(Math.min(4, cores), pool -> {
            java.util.concurrent.ForkJoinWorkerThread t =
                    java.util.concurrent.ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("ktstr4j-kafka-encode-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
        this.inFlight = new KeyedWindow((id, r) -> transport.send(r, err -> inbox.add(new Answer(id, err))),
                encoder::merge);
        this.startedReachable = reachable;
        if (!reachable) {
            this.mode = Mode.SPOOL;
            this.reachable = false;
            warn("WARNING: Kafka at " + bootstrap + " did not answer at the start; events go to the spool under "
                    + cfg.spoolDir() + " and are replayed when it answers");
        }
        this.dispatcher = new Thread(this::dispatch, "ktstr4j-kafka-dispatch");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    // ---- the run's side ------------------------------------------------------------------------------------------

    /** Takes one event; never blocks, never fails. Called from any thread, including vCPU threads. */
    public void offer(RunEvent e) {
        accept(e, null);
    }

    /**
     * Into the inbox, counted. An offered event beyond the inbox's bound is counted failed; a subscribed stream's
     * event ({@code source} set) is always within the demand it was given, so within the bound.
     */
    private void accept(RunEvent e, FluxIngress source) {
        synchronized (ingress) {
            if (ended) {
                late.incrementAndGet();
                return;
            }
            events.incrementAndGet();
            if (queuedEvents.incrementAndGet() > cfg.bufferEvents() && source == null) {
                queuedEvents.decrementAndGet();
                inboxFull.incrementAndGet();
                return;
            }
            inbox.add(new EventIn(e, source));
        }
    }

    /** Subscribes to a stream of events with bounded demand; its completion completes the publication. */
    public void subscribe(org.reactivestreams.Publisher<RunEvent> events) {
        FluxIngress in = new FluxIngress();
        sources.add(in);
        events.subscribe(in);
    }

    /** No more events: drain what is left (at most the drain timeout), then end. */
    public void complete() {
        inbox.add(new Complete(null));
    }

    /**
     * Ends within {@code grace}: until then Kafka may take what it can, then everything not acknowledged is written to
     * the spool and fsynced. Events offered after the end are counted as late in the summary's log line.
     */
    public void shutdown(Duration grace) {
        inbox.add(new Shutdown(System.nanoTime() + grace.toNanos()));
    }

    /** Whether the cluster answered the start-of-run check. */
    public boolean startedReachable() {
        return startedReachable;
    }

    /** Completes with the counters when the publication has ended. */
    public CompletableFuture<PublishSummary> done() {
        return done;
    }

    /** Events offered after the publication ended (not in the summary: they came after it was written). */
    public long lateEvents() {
        return late.get();
    }

    private final class FluxIngress extends BaseSubscriber<RunEvent> {
        /** At most 1024 events outstanding: a burst of large events must not overrun the in-flight window. */
        private final int prefetch = Math.max(1, Math.min(cfg.bufferEvents() / 2, 1024));

        @Override
        protected void hookOnSubscribe(Subscription s) {
            s.request(prefetch);
        }

        @Override
        protected void hookOnNext(RunEvent e) {
            accept(e, this);
        }

        void renew(int n) {
            request(n);
        }

        @Override
        protected void hookOnComplete() {
            inbox.add(new Complete(null));
        }

        @Override
        protected void hookOnError(Throwable t) {
            inbox.add(new Complete(t));
        }
    }

    // ---- the dispatcher ------------------------------------------------------------------------------------------

    private void dispatch() {
        try {
            List<RunEvent> batch = new ArrayList<>();
            while (true) {
                Signal s = inbox.poll(waitNanos(), TimeUnit.NANOSECONDS);
                if (s == null && syncPending) {
                    spool.sync(); // idle: what was spooled reaches the disk now, not at the next append
                    syncPending = false;
                }
                while (s != null) {
                    if (s instanceof EventIn in) {
                        queuedEvents.decrementAndGet();
                        batch.add(in.event());
                        if (in.source() != null) {
                            owed.merge(in.source(), 1, Integer::sum);
                        }
                    } else {
                        handle(s);
                    }
                    s = batch.size() < MAX_BATCH_EVENTS ? inbox.poll() : null;
                }
                if (!batch.isEmpty()) {
                    route(batch);
                    batch.clear();
                }
                renewDemand();
                step();
                if (finished()) {
                    break;
                }
            }
            end();
        } catch (Throwable t) {
            log.error("the Kafka publisher's dispatcher failed", t);
            fail("the publisher failed: " + t, -1);
            end();
        }
    }

    /**
     * A subscribed stream gets new demand, while LIVE, only when the window is at most half full: a fast source (a
     * benchmark, a replay of a file) is held back by Kafka's pace instead of being spilled to the spool. During a
     * spool episode its events go to the disk, which is then its pace (holding it back would stall it until Kafka
     * answers, and a stream that never completes never starts the drain timeout).
     */
    private void renewDemand() {
        if (owed.isEmpty() || (mode == Mode.LIVE && (inFlight.count() > window.records() / 2
                || inFlight.bytes() > window.bytes() / 2))) {
            return;
        }
        owed.forEach(FluxIngress::renew);
        owed.clear();
    }

    private long waitNanos() {
        long now = System.nanoTime();
        long until = Math.min(shutdownDeadline, drainDeadline);
        if (mode == Mode.SPOOL && !reachable && !probing) {
            until = Math.min(until, nextProbeAt);
        }
        long wait = until == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : until - now;
        if (syncPending) {
            wait = Math.min(wait, SpoolSession.SYNC_NANOS);
        }
        return Math.max(0, Math.min(wait, TimeUnit.SECONDS.toNanos(1)));
    }

    private void handle(Signal s) {
        if (s instanceof Answer a) {
            answered(a.id(), a.error());
        } else if (s instanceof ProbeAnswer p) {
            probing = false;
            if (p.up()) {
                reachable = true;
                probeBackoffMs = 200;
            } else {
                nextProbeAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(probeBackoffMs);
                probeBackoffMs = Math.min(probeBackoffMs * 2, 2000);
            }
        } else if (s instanceof Complete c) {
            if (!inputDone) {
                inputDone = true;
                upstreamError = c.upstreamError();
                drainDeadline = System.nanoTime() + cfg.drainTimeout().toNanos();
            }
        } else if (s instanceof Shutdown sd) {
            shutdownRequested = true;
            shutdownDeadline = Math.min(shutdownDeadline, sd.deadlineNanos());
        }
    }

    /** Encodes a batch and sends or spools its records, in order. */
    private void route(List<RunEvent> batch) {
        List<EncodedEvent> enc = new ArrayList<>(batch.size());
        for (Object o : encodeAll(batch)) {
            if (o instanceof EncodedEvent e) {
                enc.add(e);
            } else {
                fail("cannot be encoded as JSON: " + ((RuntimeException) o).getMessage(), 1);
            }
        }
        for (OutRecord r : encoder.encode(enc)) {
            if (mode == Mode.LIVE && !inFlight.hasRoom(r, window)) {
                startEpisode("the in-flight window (" + window.records() + " records, " + (window.bytes() >> 20)
                        + " MiB) is full: Kafka is slower than the run");
            }
            if (mode == Mode.LIVE) {
                inFlight.submit(r);
            } else {
                toSpool(r, false);
            }
        }
    }

    private void answered(long id, Throwable err) {
        KeyedWindow.Sent sent = inFlight.answered(id);
        if (sent == null) {
            return; // already accounted: spooled at a shutdown, or part of a chunk given up
        }
        if (chunk != null) {
            replayAnswered(sent, err);
        } else {
            liveAnswered(sent, err);
        }
    }

    private void liveAnswered(KeyedWindow.Sent sent, Throwable err) {
        OutRecord r = sent.record();
        if (err == null) {
            acked += r.eventCount();
            records++;
            ackListener.accept(r);
        } else if (permanent(err)) {
            // Sending it again cannot help; spooling it would block the replay forever.
            fail("Kafka rejected the record (" + err.getClass().getSimpleName() + ")", r.eventCount());
            warn("ERROR: Kafka rejected a record for " + r.topic() + " (events from "
                    + r.header(KtstrHeaders.EVENT_ID) + "): " + err);
        } else {
            if (mode == Mode.LIVE) {
                startEpisode("Kafka at " + bootstrap + " did not acknowledge a record (" + err + ")");
            }
            reachable = false;
            toSpool(r, true);
            // What waited behind it must not overtake it: lane a, after it (older than anything in lane b).
            for (OutRecord w : inFlight.takeWaiting(sent.key())) {
                toSpool(w, true);
            }
            return;
        }
        // Acknowledged (or rejected for good): the key's next record goes, also during an episode: it is older than
        // anything in lane b, and the replay starts only once the window is empty.
        inFlight.sendNext(sent.key());
    }

    private void replayAnswered(KeyedWindow.Sent sent, Throwable err) {
        if (err != null && permanent(err)) {
            // Rejected for good: sending it again would block the replay forever. Its events leave the spooled count
            // for the failed one (the invariant holds), and the chunk goes on.
            OutRecord r = sent.record();
            spooled -= r.eventCount();
            chunk.rejected += r.eventCount();
            fail(REJECTED_FROM_SPOOL, r.eventCount());
            warn("ERROR: Kafka rejected a spooled record for " + r.topic() + " (events from "
                    + r.header(KtstrHeaders.EVENT_ID) + "): " + err);
            err = null;
        }
        if (err != null && chunk.error == null) {
            chunk.error = err;
        }
        if (chunk.error == null) {
            inFlight.sendNext(sent.key());
        } else {
            inFlight.takeWaiting(sent.key()); // still in the spool: the chunk is read again from its start
        }
    }

    /**
     * JSON for a batch, in order: each element an {@link EncodedEvent} or the exception that event threw. JSON is
     * most of the dispatcher's work (a 64-CPU monitor sample is about 11 KB): a large batch is encoded by a small pool
     * of the publisher's own while the dispatcher waits for it, so a burst uses more than one core.
     */
    private List<Object> encodeAll(List<RunEvent> batch) {
        if (encoders == null || batch.size() < PARALLEL_BATCH) {
            List<Object> out = new ArrayList<>(batch.size());
            batch.forEach(e -> out.add(encodeOne(e)));
            return out;
        }
        return encoders.submit(() -> batch.parallelStream().map(Publication::encodeOne).toList()).join();
    }

    private static Object encodeOne(RunEvent e) {
        try {
            return EventCodec.encode(e);
        } catch (RuntimeException x) {
            return x;
        }
    }

    static boolean permanent(Throwable err) {
        return err instanceof org.apache.kafka.common.errors.RecordTooLargeException
                || err instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException
                || err instanceof org.apache.kafka.common.errors.InvalidTopicException
                || err instanceof org.apache.kafka.common.errors.SerializationException;
    }

    private void startEpisode(String why) {
        mode = Mode.SPOOL;
        if (!spool.active()) {
            warn("WARNING: " + why + "; events go to the spool under " + cfg.spoolDir()
                    + " and are replayed when Kafka takes them");
        }
    }

    /** Writes a record to lane a ({@code older}: it was in flight) or b; a failed write is counted, with its cause. */
    private void toSpool(OutRecord r, boolean older) {
        try {
            if (older) {
                spool.appendOlder(r);
            } else {
                spool.appendNewer(r);
            }
            spooled += r.eventCount();
            syncPending = true;
        } catch (io.ktstr4j.sink.kafka.spool.SpoolWriteException e) {
            // The writer cut the entry back off: the segment stays clean, and a later record may fit again.
            fail("could not be spooled (" + e.reason() + ")", r.eventCount());
            warnOnce("ERROR: " + e.getMessage());
        } catch (UncheckedIOException e) {
            fail("could not be spooled (" + e.getMessage() + ")", r.eventCount());
        }
    }

    /** After each round: probe or replay while a spool episode is under way; give up on deadlines. */
    private void step() {
        long now = System.nanoTime();
        if (now >= shutdownDeadline || (inputDone && now >= drainDeadline)) {
            return; // finished() takes it from here
        }
        if (mode != Mode.SPOOL || !inFlight.isEmpty()) {
            return; // the replay waits until lane a is complete, a chunk until all of it is answered
        }
        if (chunk != null) {
            settleChunk();
        }
        if (!reachable) {
            if (!probing && now >= nextProbeAt) {
                probing = true;
                transport.probe(up -> inbox.add(new ProbeAnswer(up)));
            }
            return;
        }
        if (!spool.active() || spool.reader().atEnd()) {
            if (spool.active()) {
                spool.endEpisode();
            }
            mode = Mode.LIVE;
            return;
        }
        sendChunk(spool.reader());
    }

    private void sendChunk(SpoolReader reader) {
        List<OutRecord> rs = new ArrayList<>();
        SpoolReader.Position end = null;
        long bytes = 0;
        long evs = 0;
        while (rs.size() < Math.min(REPLAY_CHUNK_RECORDS, window.records()) && bytes < REPLAY_CHUNK_BYTES) {
            Optional<SpoolReader.Entry> e = reader.next();
            if (e.isEmpty()) {
                break;
            }
            rs.add(e.get().record());
            bytes += e.get().record().value().length;
            evs += e.get().record().eventCount();
            end = e.get().end();
        }
        if (rs.isEmpty()) {
            // Nothing complete to read, yet not at the end: damaged data the reader skips past on the next call.
            return;
        }
        chunk = new Chunk(rs.size(), end, evs);
        rs.forEach(inFlight::submit);
    }

    private void settleChunk() {
        Chunk c = chunk;
        chunk = null;
        SpoolReader reader = spool.reader();
        if (c.error != null) {
            reader.rewind();
            reachable = false;
            if (c.rejected > 0) { // the chunk is read again: its rejected records will be counted then
                spooled += c.rejected;
                failed.merge(REJECTED_FROM_SPOOL, -c.rejected, Long::sum);
                failed.remove(REJECTED_FROM_SPOOL, 0L);
            }
            return;
        }
        reader.commit(c.end, spool::isOpen);
        replayed += c.events - c.rejected;
        records += c.size;
    }

    private boolean finished() {
        long now = System.nanoTime();
        if (now >= shutdownDeadline || (inputDone && now >= drainDeadline)) {
            return true;
        }
        boolean quiet = queuedEvents.get() == 0 && inFlight.isEmpty() && chunk == null;
        if (shutdownRequested && quiet && !reachable) {
            return true; // Kafka is away: waiting out the grace period cannot help
        }
        return (inputDone || shutdownRequested) && quiet && mode == Mode.LIVE;
    }

    /** Everything not acknowledged goes to the spool, fsynced; then the summary. Runs once, on the dispatcher. */
    private void end() {
        synchronized (ingress) {
            ended = true;
        }
        sources.forEach(FluxIngress::dispose); // a stream that goes on after a shutdown is not listened to
        try {
            if (chunk != null) {
                if (inFlight.isEmpty()) {
                    settleChunk();
                } else {
                    inFlight.takeAll(); // those records are still in the spool: not replayed
                    spool.reader().rewind();
                    chunk = null;
                }
            }
            if (!inFlight.isEmpty()) {
                mode = Mode.SPOOL;
                for (OutRecord r : inFlight.takeAll()) {
                    toSpool(r, true);
                }
            }
            List<RunEvent> rest = new ArrayList<>();
            for (Signal s; (s = inbox.poll()) != null; ) {
                if (s instanceof EventIn in) {
                    rest.add(in.event());
                }
            }
            if (!rest.isEmpty()) {
                mode = Mode.SPOOL; // nothing more goes live now: the deadline has passed
                route(rest);
            }
            spool.sync();
        } catch (RuntimeException e) {
            warn("ERROR: while writing the rest to the spool: " + e.getMessage());
        } finally {
            long full = inboxFull.get();
            if (full > 0) {
                failed.merge("the inbox (" + cfg.bufferEvents() + " events) was full", full, Long::sum);
            }
            for (SpoolReader.Damage d : spool.damaged()) {
                warn("ERROR: damaged spool data skipped, " + d.bytesSkipped() + " bytes at byte " + d.offset()
                        + " of " + d.keptAs() + " (kept for inspection): " + d.reason());
            }
            PublishSummary s = new PublishSummary(events.get(), acked, spooled, replayed, records, spool.dir(),
                    warnings, failed);
            if (encoders != null) {
                encoders.shutdown();
            }
            try {
                transport.close();
            } catch (RuntimeException e) {
                log.debug("closing the transport: {}", e.toString());
            }
            try {
                spool.close();
            } catch (RuntimeException e) {
                log.warn("{}", e.getMessage());
            }
            log.info(s.line());
            if (upstreamError != null) {
                done.completeExceptionally(upstreamError);
            } else {
                done.complete(s);
            }
        }
    }

    /**
     * Counts {@code n} events as failed. A record's {@link OutRecord#eventCount()} counts each event once (0 for the
     * results.latest copy and the non-final parts of a split event), so failures add up with acked and spooled.
     */
    private void fail(String reason, long n) {
        if (n > 0) {
            failed.merge(reason, n, Long::sum);
        }
        log.warn("{} event(s) {}", n, reason);
    }

    private void warnOnce(String message) {
        if (!warnings.contains(message)) {
            warn(message);
        }
    }

    private void warn(String message) {
        warnings.add(message);
        log.warn(message);
    }
}
