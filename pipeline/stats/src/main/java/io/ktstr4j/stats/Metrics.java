package io.ktstr4j.stats;

import io.ktstr4j.schemas.metric.MetricDef;
import io.ktstr4j.schemas.metric.MetricRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The metrics a pool knows: the registry, then the payload metrics its trials report. */
public final class Metrics {

    private Metrics() {
    }

    /** The registry's metrics, then each payload metric of the pool (its first definition), by name. */
    public static List<MetricDef> known(List<Trial> pool) {
        List<MetricDef> out = new ArrayList<>(MetricRegistry.registry());
        Map<String, MetricDef> payload = new TreeMap<>();
        for (Trial t : pool) {
            t.payload().forEach(p -> payload.putIfAbsent(p.def().name(), p.def()));
        }
        out.addAll(payload.values());
        return out;
    }

    /**
     * The metric of that name, or a {@link StatsInputException} naming it and where the names are listed, after
     * {@code where} (the option and field that named it) when not null.
     */
    public static MetricDef require(String name, List<Trial> pool, String where) {
        for (MetricDef d : known(pool)) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new StatsInputException((where == null ? "" : where + ": ") + "unknown metric '" + name + "' (stats list-metrics lists the "
                + "registry and the payload metrics of the pool)");
    }
}
