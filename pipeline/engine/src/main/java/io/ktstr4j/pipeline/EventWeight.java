package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.GuestCrash;
import io.ktstr4j.schemas.event.InitStage;
import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.event.PayloadMetricsReport;
import io.ktstr4j.schemas.event.Snapshot;
import io.ktstr4j.schemas.event.WorkerReports;
import io.ktstr4j.schemas.monitor.BpfMapValue;
import io.ktstr4j.schemas.report.Metric;
import io.ktstr4j.schemas.report.WorkerReport;
import java.util.Collection;
import java.util.Map;

/**
 * About how many heap bytes an event holds, for the byte bounds on what a run keeps ({@link RunRecorder}) and buffers
 * ({@link VariantRunner}). An estimate that errs high: strings count two bytes per character (UTF-16, whatever the
 * JVM stores), boxed numbers and collection entries 24 bytes, each record or object 64. What the guest sizes (console
 * lines, worker reports, metrics, texts) is counted in full; a snapshot's rendered BPF map values are walked (at most
 * the monitor's render budget).
 */
final class EventWeight {

    static final long OBJECT = 64;
    static final long ENTRY = 24;

    private EventWeight() {}

    static long of(EventBody e) {
        if (e instanceof ConsoleLine l) {
            return OBJECT + text(l.line());
        }
        if (e instanceof WorkerReports w) {
            long n = OBJECT + text(w.cgroup());
            for (WorkerReport r : w.reports()) {
                n += of(r);
            }
            return n;
        }
        if (e instanceof PayloadMetricsReport p) {
            long n = OBJECT;
            for (Metric m : p.metrics().metrics()) {
                n += OBJECT + text(m.name()) + text(m.unit());
            }
            return n;
        }
        if (e instanceof ChannelError c) {
            return OBJECT + text(c.kind()) + text(c.detail());
        }
        if (e instanceof GuestCrash c) {
            return OBJECT + text(c.message());
        }
        if (e instanceof InitStage s) {
            return OBJECT + text(s.stage());
        }
        if (e instanceof MonitorSample s) {
            return OBJECT + 4 * OBJECT * s.cpus().size();
        }
        if (e instanceof Snapshot s) {
            long n = OBJECT + 4 * OBJECT * s.cpus().size();
            for (BpfMapValue m : s.bpfMaps()) {
                n += OBJECT + text(m.name()) + value(m.fields());
                for (BpfMapValue.RawEntry r : m.entries()) {
                    n += OBJECT + text(r.keyHex()) + text(r.valueHex());
                }
            }
            return n;
        }
        return 4 * OBJECT; // fixed-size records, and results (one kept at a time)
    }

    /** One worker report: its lists and maps are the guest's to size. */
    static long of(WorkerReport r) {
        return 4 * OBJECT + ENTRY * ((long) r.resumeLatenciesNs().size() + r.cpusUsed().size()
                + r.numaPages().size()) + OBJECT * r.migrations().size();
    }

    static long text(String s) {
        return s == null ? 0 : 2L * s.length();
    }

    private static long value(Object v) {
        if (v instanceof String s) {
            return ENTRY + text(s);
        }
        if (v instanceof Map<?, ?> m) {
            long n = OBJECT;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                n += ENTRY + value(e.getKey()) + value(e.getValue());
            }
            return n;
        }
        if (v instanceof Collection<?> c) {
            long n = OBJECT;
            for (Object o : c) {
                n += value(o);
            }
            return n;
        }
        return ENTRY;
    }
}
