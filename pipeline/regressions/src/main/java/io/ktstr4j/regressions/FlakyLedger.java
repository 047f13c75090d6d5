package io.ktstr4j.regressions;

import io.ktstr4j.schemas.event.FlakyOutcomes;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.stats.CompareEngine;
import io.ktstr4j.stats.Dimension;
import io.ktstr4j.stats.Flaky;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.Trials;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The flaky ledger, after the repartition by the variant as {@code stats flaky} names it: outcomes per variant,
 * project commit and kernel ({@link Flaky#groupKey}). When a line first has two conclusions ({@link Flaky#flaky}) an
 * {@code analysis.flaky} goes out with {@code first}, and again with the new counts on each later result of that line.
 */
final class FlakyLedger implements Processor<String, SidecarResult, byte[], byte[]> {
    private final AnalysisOutput output;
    private final WatchCounters counters;
    /** How stats flaky names a variant; one key set for every result (its keys hold no per-result state). */
    private static final CompareEngine.PairingKeys KEYS = Flaky.variantKeys();
    private ProcessorContext<byte[], byte[]> ctx;
    private KeyValueStore<String, LedgerEntry> ledger;

    FlakyLedger(AnalysisOutput output, WatchCounters counters) {
        this.output = output;
        this.counters = counters;
    }

    /** The record key of a result's ledger line: its variant as {@code stats flaky} writes it. */
    static String variant(Trial t) {
        return KEYS.label(t);
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        ctx = context;
        ledger = context.getStateStore(WatchTopology.LEDGER_STORE);
    }

    @Override
    public void process(Record<String, SidecarResult> rec) {
        SidecarResult r = rec.value();
        Trial t = Trials.of(r);
        String key = Flaky.groupKey(KEYS, t);
        LedgerEntry before = ledger.get(key);
        LedgerEntry line = (before == null ? LedgerEntry.EMPTY : before).with(t.outcome(), t.runId());
        if (Flaky.flaky(line.outcomes())) {
            String resultId = AnalysisIds.resultId(r);
            FlakyOutcomes f = new FlakyOutcomes(KEYS.label(t), t.dim(Dimension.PROJECT_COMMIT), t.dim(Dimension.KERNEL),
                    line.outcomes(), line.runs().size(), resultId, !line.flagged());
            line = line.flagged(true);
            counters.flaky.incrementAndGet();
            output.forward(ctx, List.of(RunEvent.standalone(AnalysisIds.flaky(resultId), 0,
                    Instant.ofEpochMilli(rec.timestamp()), f)), rec.timestamp());
        }
        ledger.put(key, line);
    }
}
