package io.ktstr4j.hoststate.kafka;

import io.ktstr4j.hoststate.CaptureFiles;
import io.ktstr4j.schemas.event.HostStateDelta;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import io.ktstr4j.sink.kafka.KtstrHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The diff consumer's one step: each capture of a named host is compared with that host's previous capture (store
 * {@value DiffTopology#LAST_STORE}), and a run's after-capture with its before-capture (store
 * {@value DiffTopology#BEFORE_STORE}, emptied once the pair is compared, or after a day without the after-capture). A
 * capture that is not newer than the host's last one (a copy the publisher sent again, or one published late) is not
 * compared with it again, but still pairs with its run. The stores hold captures as {@code .hst.zst} bytes. The parts
 * of a split value (a capture over 512 KiB of JSON) are reassembled in memory: a restart between two parts of one
 * value loses that capture.
 */
final class DiffProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    /** How long a run's before-capture waits for its after-capture. */
    static final Duration OPEN_RUN_LIMIT = Duration.ofDays(1);
    /** How often the abandoned runs are looked for. */
    static final Duration OPEN_RUN_SWEEP = Duration.ofHours(1);

    private final BiFunction<HostStateSnapshot, HostStateSnapshot, HostStateDelta> diff;
    private final DeltaOutput output;
    private final DiffCounters counters;
    private final CaptureRecords records = new CaptureRecords();
    private ProcessorContext<byte[], byte[]> ctx;
    private KeyValueStore<String, byte[]> last;
    private KeyValueStore<String, byte[]> before;

    DiffProcessor(BiFunction<HostStateSnapshot, HostStateSnapshot, HostStateDelta> diff, DeltaOutput output,
                  DiffCounters counters) {
        this.diff = diff;
        this.output = output;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.ctx = context;
        this.last = context.getStateStore(DiffTopology.LAST_STORE);
        this.before = context.getStateStore(DiffTopology.BEFORE_STORE);
        // A run that never took its after-capture (killed, or its capture failed) must not keep its before-capture
        // in the store for ever.
        context.schedule(OPEN_RUN_SWEEP, PunctuationType.WALL_CLOCK_TIME, this::dropAbandonedRuns);
    }

    @Override
    public void process(Record<byte[], byte[]> r) {
        var meta = ctx.recordMetadata().orElseThrow();
        long unreadable = records.unreadable();
        List<HostStateSnapshot> captures = records.captures(meta.topic(), meta.partition(), meta.offset(),
                KtstrHeaders.lookup(r.headers()), r.value());
        counters.unreadable(records.unreadable() - unreadable);
        for (HostStateSnapshot s : captures) {
            counters.captureRead();
            if (s.hostname() == null || s.hostname().isBlank()) {
                counters.unnamed();
                continue;
            }
            try {
                take(s, r.timestamp());
            } catch (RuntimeException e) {
                // One capture this consumer cannot compare (a stored value it cannot read back, a capture the delta
                // refuses) must not stop the consumer: under exactly-once it would meet the same record again.
                counters.unreadable(1);
            }
        }
    }

    private void take(HostStateSnapshot s, long timestamp) {
        byte[] prevBytes = last.get(s.hostname());
        HostStateSnapshot prev = prevBytes == null ? null : CaptureFiles.decode(prevBytes, s.hostname());
        byte[] bytes = CaptureFiles.encode(s);
        // A run's pair is compared whatever else the host's key carried in between (a capture daemon on the same
        // host, or a run's captures replayed from its spool after newer ones).
        HostStateSnapshot runBefore = null;
        if (s.runId() != null && s.phase() == CapturePhase.BEFORE_RUN) {
            before.put(s.runId(), bytes);
        } else if (s.runId() != null && s.phase() == CapturePhase.AFTER_RUN) {
            byte[] b = before.get(s.runId());
            if (b != null) {
                before.delete(s.runId());
                runBefore = CaptureFiles.decode(b, s.runId());
            }
        }
        boolean newer = prev == null || s.capturedAtUnixNs() > prev.capturedAtUnixNs();
        if (newer) {
            last.put(s.hostname(), bytes);
            if (prev != null) {
                emit(diff.apply(prev, s), timestamp);
            }
        } else {
            counters.stale();
        }
        // Usually the run's before-capture is the host's previous one, and the pair was just compared.
        if (runBefore != null && !(newer && prev != null && runBefore.capturedAtUnixNs() == prev.capturedAtUnixNs())
                && runBefore.capturedAtUnixNs() < s.capturedAtUnixNs()) {
            emit(diff.apply(runBefore, s), timestamp);
        }
    }

    /** Drops the before-captures of runs older than {@link #OPEN_RUN_LIMIT} (their after-capture never came). */
    private void dropAbandonedRuns(long now) {
        long cutoff = (now - OPEN_RUN_LIMIT.toMillis()) * 1_000_000L;
        List<String> old = new java.util.ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = before.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                try {
                    if (CaptureFiles.decode(kv.value, kv.key).capturedAtUnixNs() < cutoff) {
                        old.add(kv.key);
                    }
                } catch (RuntimeException unreadable) {
                    old.add(kv.key);
                }
            }
        }
        old.forEach(before::delete);
        counters.abandoned(old.size());
    }

    private void emit(HostStateDelta d, long timestamp) {
        output.forward(ctx, RunEvent.standalone(d.eventId(), 0, Instant.ofEpochMilli(timestamp), d), timestamp);
        counters.delta(d);
    }
}
