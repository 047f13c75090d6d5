package io.ktstr4j.schemas.metric;

import io.ktstr4j.schemas.monitor.MonitorSummary;
import io.ktstr4j.schemas.monitor.ScxEventDeltas;
import io.ktstr4j.schemas.report.Metric;
import io.ktstr4j.schemas.report.PayloadMetrics;
import io.ktstr4j.schemas.report.Polarity;
import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * ktstr's 19 comparable metrics ({@code METRICS} in ktstr's stats.rs), each with how it is read from a
 * {@link SidecarResult}, plus the payload metrics a result carries. The one definition: the compare engine, the
 * results store's columns and {@code stats list-metrics} all read it.
 *
 * <p>Five metrics come from the monitor summary, as ktstr reads them: {@code max_imbalance_ratio} is
 * {@code monitor.max_imbalance_ratio}, {@code max_dsq_depth} is {@code monitor.max_local_dsq_depth},
 * {@code stall_count} is 1 when {@code monitor.stall_detected} else 0 (the summary keeps a flag, not a count),
 * {@code total_fallback} is {@code monitor.event_deltas.total_fallback} and {@code total_keep_last} is
 * {@code monitor.event_deltas.total_dispatch_keep_last}. Without a monitor (or without sched_ext event deltas) they
 * are absent, not 0: ktstr reads 0 there, which would compare a run the monitor did not watch as a perfect one.
 *
 * <p>Payload metrics keep their names (invocation 0) or get {@code #<payload_index>} appended (later invocations), and
 * {@code payload.} prepended when the name is a registry metric's; their polarity is the payload's own and their
 * gates are {@link #PAYLOAD_DEFAULT_ABS} and {@link #PAYLOAD_DEFAULT_REL}.
 */
public final class MetricRegistry {

    /** A payload metric's absolute gate: none, since its unit and scale are unknown here. */
    public static final double PAYLOAD_DEFAULT_ABS = 0.0;
    /** A payload metric's relative gate: 10 %, the registry's tightest (total_iterations, page locality). */
    public static final double PAYLOAD_DEFAULT_REL = 0.10;

    private static final Polarity L = Polarity.LOWER_BETTER;
    private static final Polarity H = Polarity.HIGHER_BETTER;

    /** A registry metric and its reader (null: absent in this result). */
    private record Entry(MetricDef def, Function<SidecarResult, Double> reader) {
    }

    private static final List<Entry> ENTRIES = List.of(
            stat("worst_spread", L, 5.0, 0.25, "%", "stats.worst_spread", ScenarioStats::worstSpread),
            stat("worst_gap_ms", L, 500, 0.50, "ms", "stats.worst_gap_ms", s -> (double) s.worstGapMs()),
            stat("total_migrations", L, 10, 0.30, "", "stats.total_migrations", s -> (double) s.totalMigrations()),
            stat("worst_migration_ratio", L, 0.05, 0.20, "", "stats.worst_migration_ratio",
                    ScenarioStats::worstMigrationRatio),
            monitor("max_imbalance_ratio", L, 1.0, 0.25, "x", "monitor.max_imbalance_ratio",
                    MonitorSummary::maxImbalanceRatio),
            monitor("max_dsq_depth", L, 10, 0.50, "", "monitor.max_local_dsq_depth",
                    m -> (double) m.maxLocalDsqDepth()),
            monitor("stall_count", L, 1, 0.50, "", "monitor.stall_detected (1 or 0)",
                    m -> m.stallDetected() ? 1.0 : 0.0),
            events("total_fallback", L, 5, 0.30, "", "monitor.event_deltas.total_fallback",
                    e -> (double) e.totalFallback()),
            events("total_keep_last", L, 5, 0.30, "", "monitor.event_deltas.total_dispatch_keep_last",
                    e -> (double) e.totalDispatchKeepLast()),
            stat("worst_p99_wake_latency_us", L, 50, 0.25, "us", "stats.worst_p99_wake_latency_us",
                    ScenarioStats::worstP99WakeLatencyUs),
            stat("worst_median_wake_latency_us", L, 20, 0.25, "us", "stats.worst_median_wake_latency_us",
                    ScenarioStats::worstMedianWakeLatencyUs),
            stat("worst_wake_latency_cv", L, 0.10, 0.25, "", "stats.worst_wake_latency_cv",
                    ScenarioStats::worstWakeLatencyCv),
            stat("total_iterations", H, 100, 0.10, "", "stats.total_iterations", s -> (double) s.totalIterations()),
            stat("worst_mean_run_delay_us", L, 50, 0.25, "us", "stats.worst_mean_run_delay_us",
                    ScenarioStats::worstMeanRunDelayUs),
            stat("worst_run_delay_us", L, 100, 0.50, "us", "stats.worst_run_delay_us",
                    ScenarioStats::worstRunDelayUs),
            stat("worst_wake_latency_tail_ratio", L, 0.5, 0.25, "x", "stats.worst_wake_latency_tail_ratio",
                    ScenarioStats::worstWakeLatencyTailRatio),
            stat("worst_iterations_per_worker", H, 10, 0.10, "", "stats.worst_iterations_per_worker",
                    ScenarioStats::worstIterationsPerWorker),
            stat("worst_page_locality", H, 0.05, 0.10, "", "stats.worst_page_locality",
                    ScenarioStats::worstPageLocality),
            stat("worst_cross_node_migration_ratio", L, 0.05, 0.20, "", "stats.worst_cross_node_migration_ratio",
                    ScenarioStats::worstCrossNodeMigrationRatio));

    private static final List<MetricDef> DEFS = ENTRIES.stream().map(Entry::def).toList();
    private static final Map<String, Integer> INDEX = new LinkedHashMap<>();

    static {
        for (int i = 0; i < DEFS.size(); i++) {
            INDEX.put(DEFS.get(i).name(), i);
        }
    }

    private MetricRegistry() {
    }

    /** ktstr's 19 metrics, in ktstr's order. */
    public static List<MetricDef> registry() {
        return DEFS;
    }

    /** The registry metric of that name. */
    public static Optional<MetricDef> find(String name) {
        Integer i = INDEX.get(name);
        return i == null ? Optional.empty() : Optional.of(DEFS.get(i));
    }

    /** The position of a registry metric in {@link #registry()}, or -1. */
    public static int indexOf(String name) {
        return INDEX.getOrDefault(name, -1);
    }

    /** The registry metric at {@code index} read from {@code r}: null when the result does not have it. */
    public static Double read(int index, SidecarResult r) {
        Double v = ENTRIES.get(index).reader().apply(r);
        return v == null || v.isNaN() || v.isInfinite() ? null : v;
    }

    /** A payload metric's definition: its own polarity and unit, the payload default gates. */
    public static MetricDef payload(String name, Polarity polarity, String unit) {
        return new MetricDef(name, polarity, PAYLOAD_DEFAULT_ABS, PAYLOAD_DEFAULT_REL, unit, MetricDef.Origin.PAYLOAD,
                "metrics[].metrics[]");
    }

    /** A payload value and its definition. */
    public record PayloadValue(MetricDef def, double value) {
    }

    /**
     * The payload metrics of one result under their registry names (see the class comment); a name an invocation
     * reports twice keeps its last value. Non-finite values are left out.
     */
    public static List<PayloadValue> payloadValues(SidecarResult r) {
        Map<String, PayloadValue> out = new LinkedHashMap<>();
        for (PayloadMetrics pm : r.metrics()) {
            for (Metric m : pm.metrics()) {
                if (Double.isNaN(m.value()) || Double.isInfinite(m.value())) {
                    continue;
                }
                String name = payloadName(m.name(), pm.payloadIndex());
                out.put(name, new PayloadValue(payload(name, m.polarity(), m.unit()), m.value()));
            }
        }
        return new ArrayList<>(out.values());
    }

    /** The name a payload metric goes by: see the class comment. */
    public static String payloadName(String name, int payloadIndex) {
        String n = INDEX.containsKey(name) ? "payload." + name : name;
        return payloadIndex == 0 ? n : n + "#" + payloadIndex;
    }

    private static Entry stat(String name, Polarity p, double abs, double rel, String unit, String from,
                              Function<ScenarioStats, Double> f) {
        return new Entry(def(name, p, abs, rel, unit, from), r -> r.stats() == null ? null : f.apply(r.stats()));
    }

    private static Entry monitor(String name, Polarity p, double abs, double rel, String unit, String from,
                                 Function<MonitorSummary, Double> f) {
        return new Entry(def(name, p, abs, rel, unit, from), r -> r.monitor() == null ? null : f.apply(r.monitor()));
    }

    private static Entry events(String name, Polarity p, double abs, double rel, String unit, String from,
                                Function<ScxEventDeltas, Double> f) {
        return new Entry(def(name, p, abs, rel, unit, from), r -> r.monitor() == null
                || r.monitor().eventDeltas() == null ? null : f.apply(r.monitor().eventDeltas()));
    }

    private static MetricDef def(String name, Polarity p, double abs, double rel, String unit, String from) {
        return new MetricDef(name, p, abs, rel, unit, MetricDef.Origin.REGISTRY, from);
    }
}
