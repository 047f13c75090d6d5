package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A {@link Transport} double standing in for a cluster: "up" acknowledges each record on a thread of its own (the
 * broker's log keeps it), "down" fails it as an expired delivery would; "holding" keeps records unanswered until
 * {@link #release()}. Probes answer whether it is up. Records the thread that called send.
 */
final class FakeTransport implements Transport {
    private final ExecutorService broker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-broker");
        t.setDaemon(true);
        return t;
    });
    private final List<OutRecord> log = new ArrayList<>();
    private final List<Runnable> held = new ArrayList<>();
    private final List<String> senderThreads = new ArrayList<>();
    private volatile boolean up = true;
    private volatile boolean holding;
    private volatile boolean blockSends;
    private volatile boolean closed;
    private volatile String rejectTopicSuffix;
    private int sent;
    private int failed;
    private final java.util.Map<String, Integer> unansweredByKey = new java.util.HashMap<>();
    private int maxPerKey;

    FakeTransport up(boolean v) {
        up = v;
        return this;
    }

    /** Records for topics ending with {@code suffix} are rejected for good (RecordTooLargeException). */
    FakeTransport rejecting(String suffix) {
        rejectTopicSuffix = suffix;
        return this;
    }

    FakeTransport holding(boolean v) {
        holding = v;
        return this;
    }

    /** send() blocks (the dispatcher is stuck) until unblocked. */
    synchronized void blockSends(boolean v) {
        blockSends = v;
        notifyAll();
    }

    /** Answers every held record now (as the cluster currently is). */
    synchronized void release() {
        holding = false;
        List<Runnable> r = List.copyOf(held);
        held.clear();
        r.forEach(broker::execute);
    }

    @Override
    public synchronized void send(OutRecord r, Callback cb) {
        while (blockSends) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        senderThreads.add(Thread.currentThread().getName());
        sent++;
        String key = r.topic() + "|" + r.keyText();
        maxPerKey = Math.max(maxPerKey, unansweredByKey.merge(key, 1, Integer::sum));
        Runnable answer = () -> {
            synchronized (this) {
                unansweredByKey.merge(key, -1, Integer::sum);
                if (closed) {
                    return;
                }
                if (rejects(r)) {
                    failed++;
                } else if (up) {
                    log.add(r);
                } else {
                    failed++;
                }
            }
            cb.done(rejects(r) ? new org.apache.kafka.common.errors.RecordTooLargeException("fake: too large")
                    : up ? null : new TimeoutException("fake: broker down"));
        };
        if (holding) {
            held.add(answer);
        } else {
            broker.execute(answer);
        }
    }

    private boolean rejects(OutRecord r) {
        String suffix = rejectTopicSuffix;
        return up && suffix != null && r.topic().endsWith(suffix);
    }

    @Override
    public void probe(Consumer<Boolean> answer) {
        broker.execute(() -> answer.accept(up));
    }

    synchronized List<OutRecord> log() {
        return List.copyOf(log);
    }

    synchronized int failed() {
        return failed;
    }

    synchronized int sent() {
        return sent;
    }

    /** The most records of one (topic, key) that were ever unanswered at once. */
    synchronized int maxInFlightPerKey() {
        return maxPerKey;
    }

    synchronized int heldCount() {
        return held.size();
    }

    synchronized List<String> senderThreads() {
        return List.copyOf(senderThreads);
    }

    /** Every event in the broker's log, decoded, in log order (duplicates kept). */
    List<RunEvent> events() {
        RecordDecoder d = new RecordDecoder();
        List<RunEvent> out = new ArrayList<>();
        for (OutRecord r : log()) {
            if (r.topic().endsWith(".latest")) {
                continue;
            }
            for (byte[] json : d.decode(r, 0)) {
                out.add(EventCodec.decode(json, "fake broker"));
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        closed = true;
        broker.shutdown();
    }
}
