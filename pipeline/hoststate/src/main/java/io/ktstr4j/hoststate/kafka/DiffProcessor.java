package io.ktstr4j.hoststate.kafka;

import io.ktstr4j.hoststate.CaptureFiles;
import io.ktstr4j.schemas.event.HostStateDelta;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import io.ktstr4j.sink.kafka.KtstrHeaders;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The diff consumer's one step: each capture of a named host is compared with that host's previous capture (store
 * {@value DiffTopology#LAST_STORE}), and a run's after-capture with its before-capture (store
 * {@value DiffTopology#BEFORE_STORE}, emptied once the pair is compared). A capture that is not newer than the host's
 * last one (a copy the publisher sent again, or one published late) is not compared again. The stores hold captures
 * as {@code .hst.zst} bytes: a host's state is one compressed capture.
 */
final class DiffProcessor implements Processor<byte[], byte[], byte[], byte[]> {
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
            if (s.hostname() == null) {
                counters.unnamed();
                continue;
            }
            byte[] prevBytes = last.get(s.hostname());
            HostStateSnapshot prev = prevBytes == null ? null : CaptureFiles.decode(prevBytes, s.hostname());
            if (prev != null && prev.capturedAtUnixNs() >= s.capturedAtUnixNs()) {
                counters.stale();
                continue;
            }
            byte[] bytes = CaptureFiles.encode(s);
            last.put(s.hostname(), bytes);
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
            if (prev != null) {
                emit(diff.apply(prev, s), r.timestamp());
            }
            // Usually the run's before-capture is the host's previous one, and the pair was just compared.
            if (runBefore != null && (prev == null || runBefore.capturedAtUnixNs() != prev.capturedAtUnixNs())) {
                emit(diff.apply(runBefore, s), r.timestamp());
            }
        }
    }

    private void emit(HostStateDelta d, long timestamp) {
        output.forward(ctx, RunEvent.standalone(d.eventId(), 0, Instant.ofEpochMilli(timestamp), d), timestamp);
        counters.delta(d);
    }
}
