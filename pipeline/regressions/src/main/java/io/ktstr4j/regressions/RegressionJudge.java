package io.ktstr4j.regressions;

import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.Trials;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each result against its variant's baseline ({@link BaselineComparison}), after the repartition by variant: the
 * variant's window is in this task's store, its verdicts leave in order under its key.
 */
final class RegressionJudge implements Processor<String, SidecarResult, byte[], byte[]> {
    private final BaselineComparison comparison;
    private final AnalysisOutput output;
    private final WatchCounters counters;
    private ProcessorContext<byte[], byte[]> ctx;
    private KeyValueStore<String, BaselineWindow> windows;

    RegressionJudge(BaselineComparison comparison, AnalysisOutput output, WatchCounters counters) {
        this.comparison = comparison;
        this.output = output;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        ctx = context;
        windows = context.getStateStore(WatchTopology.BASELINE_STORE);
    }

    @Override
    public void process(Record<String, SidecarResult> rec) {
        SidecarResult r = rec.value();
        Trial t = Trials.of(r);
        String key = comparison.storeKey(t);
        BaselineWindow w = windows.get(key);
        if (w == null) {
            w = BaselineWindow.EMPTY;
        }
        BaselineComparison.Judged j = comparison.judge(r, t, w, Instant.ofEpochMilli(rec.timestamp()));
        if (j.next() != w) {
            windows.put(key, j.next());
        }
        switch (j.status()) {
            case COMPARED -> counters.compared.incrementAndGet();
            case NO_BASELINE -> counters.noBaseline.incrementAndGet();
            case NOT_PASSED -> counters.notPassed.incrementAndGet();
        }
        counters.regressions.addAndGet(j.regressions());
        output.forward(ctx, j.events(), rec.timestamp());
    }
}
