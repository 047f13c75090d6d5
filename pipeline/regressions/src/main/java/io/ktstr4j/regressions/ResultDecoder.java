package io.ktstr4j.regressions;

import io.ktstr4j.schemas.sidecar.SidecarResult;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * First step of the topology: the sidecars of each results record, each result once. A record that cannot be read is
 * skipped and named (a split value found broken only here, after its parts). A result seen within the retention is
 * dropped: the publisher delivers at least once, and a copy it sent again (a spool replay) is a copy, not a trial.
 * Copies share the source key ({@code <runId>/<variantKey>}), so they meet in this task's store.
 */
final class ResultDecoder implements Processor<byte[], ResultRecord, String, SidecarResult> {
    private final WatchCounters counters;
    private final long retentionMs;
    private final ResultRecords records = new ResultRecords();
    private ProcessorContext<String, SidecarResult> ctx;
    private WindowStore<String, Long> seen;

    ResultDecoder(WatchCounters counters, Duration retention) {
        this.counters = counters;
        this.retentionMs = retention.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, SidecarResult> context) {
        ctx = context;
        seen = context.getStateStore(WatchTopology.SEEN_STORE);
    }

    @Override
    public void process(Record<byte[], ResultRecord> rec) {
        RecordMetadata md = ctx.recordMetadata().orElseThrow();
        String source = ResultRecords.source(md.topic(), md.partition(), md.offset());
        List<SidecarResult> results;
        try {
            results = records.sidecars(rec.value(), md.topic(), md.partition(), source);
        } catch (BadRecordException e) {
            counters.skipped().skip(source, e.getMessage());
            return;
        }
        long ts = rec.timestamp();
        for (SidecarResult r : results) {
            counters.results.incrementAndGet();
            String id = AnalysisIds.resultId(r);
            try (WindowStoreIterator<Long> it = seen.fetch(id, Math.max(0, ts - retentionMs), ts + retentionMs)) {
                if (it.hasNext()) {
                    counters.duplicates.incrementAndGet();
                    continue;
                }
            }
            seen.put(id, ts, ts);
            ctx.forward(new Record<>(id, r, ts));
        }
    }
}
