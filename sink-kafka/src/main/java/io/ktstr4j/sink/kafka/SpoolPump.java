package io.ktstr4j.sink.kafka;

import io.ktstr4j.sink.kafka.spool.OutRecord;
import io.ktstr4j.sink.kafka.spool.SpoolReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Replays a spool in chunks: read up to N entries, send them (one in flight per key), wait for every acknowledgement; if all were
 * acknowledged, commit the cursor (and delete replayed segments), else rewind to the last commit so the next attempt
 * sends the chunk again. Records of a chunk that were acknowledged before a failure are sent twice then; consumers
 * drop such duplicates by event id. Blocking: run on a dedicated thread.
 */
public final class SpoolPump {
    /** Result of one chunk: how many records/events were replayed, or the error that stopped it. */
    public record Step(int records, long events, Throwable error) {
        public boolean empty() {
            return records == 0 && error == null;
        }
    }

    private SpoolPump() {
    }

    public static Step sendChunk(SpoolReader reader, Transport transport, int maxRecords, long maxBytes,
                                 Duration ackTimeout, Predicate<Path> keep) {
        List<OutRecord> chunk = new ArrayList<>();
        SpoolReader.Position end = null;
        long bytes = 0;
        while (chunk.size() < maxRecords && bytes < maxBytes) {
            Optional<SpoolReader.Entry> e = reader.next();
            if (e.isEmpty()) {
                break;
            }
            chunk.add(e.get().record());
            bytes += e.get().record().value().length;
            end = e.get().end();
        }
        if (chunk.isEmpty()) {
            return new Step(0, 0, null);
        }
        // One record in flight per key, as the publisher does (KeyedWindow): a later record of a key must never reach
        // Kafka while an earlier one failed, or consumers that drop by sequence skip the earlier one when it comes again.
        record Answer(long id, Throwable error) {
        }
        java.util.concurrent.BlockingQueue<Answer> answers = new java.util.concurrent.LinkedBlockingQueue<>();
        KeyedWindow window = new KeyedWindow((id, r) -> transport.send(r, err -> answers.add(new Answer(id, err))),
                (a, b) -> null);
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        chunk.forEach(window::submit);
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        try {
            while (!window.isEmpty()) {
                Answer a = answers.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (a == null) {
                    firstError.compareAndSet(null, new java.util.concurrent.TimeoutException(
                            "no acknowledgement within " + ackTimeout.toSeconds() + " s"));
                    break;
                }
                KeyedWindow.Sent sent = window.answered(a.id());
                if (sent == null) {
                    continue;
                }
                if (a.error() != null) {
                    firstError.compareAndSet(null, a.error());
                    window.takeWaiting(sent.key()); // not sent: the chunk is read again from its start
                } else {
                    window.sendNext(sent.key());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            firstError.compareAndSet(null, e);
        }
        if (firstError.get() != null) {
            reader.rewind();
            return new Step(0, 0, firstError.get());
        }
        reader.commit(end, keep);
        long events = 0;
        for (OutRecord r : chunk) {
            events += r.eventCount();
        }
        return new Step(chunk.size(), events, null);
    }
}
