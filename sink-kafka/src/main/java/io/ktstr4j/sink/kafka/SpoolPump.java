package io.ktstr4j.sink.kafka;

import io.ktstr4j.sink.kafka.spool.OutRecord;
import io.ktstr4j.sink.kafka.spool.SpoolReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Replays a spool in chunks: read up to N entries, send them all, wait for every acknowledgement; if all were
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
        CountDownLatch latch = new CountDownLatch(chunk.size());
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        for (OutRecord r : chunk) {
            transport.send(r, err -> {
                if (err != null) {
                    firstError.compareAndSet(null, err);
                }
                latch.countDown();
            });
        }
        try {
            if (!latch.await(ackTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                firstError.compareAndSet(null, new java.util.concurrent.TimeoutException(
                        "no acknowledgement within " + ackTimeout.toSeconds() + " s"));
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
