package io.ktstr4j.stats;

import io.ktstr4j.schemas.metric.MetricDef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code stats history}: a metric per run over time (pure). */
public final class History {

    private History() {
    }

    /**
     * The metric per run, oldest first, over the trials the filter selects. Refuses an unknown metric, a filter that
     * matches nothing, and a selection where no passing trial has the metric.
     */
    public static List<HistoryPoint> of(List<Trial> pool, String metric, TrialFilter filter) {
        if (pool.isEmpty()) {
            throw new StatsInputException("the pool is empty: no results");
        }
        MetricDef def = Metrics.require(metric, pool, null);
        List<Trial> selected = filter.select(pool);
        if (selected.isEmpty()) {
            throw new StatsInputException(filter.label() + " matches no result in the pool of " + pool.size());
        }
        Map<String, List<Trial>> byRun = new LinkedHashMap<>();
        for (Trial t : selected) {
            byRun.computeIfAbsent(t.runId(), k -> new ArrayList<>()).add(t);
        }
        List<HistoryPoint> out = new ArrayList<>();
        for (Map.Entry<String, List<Trial>> e : byRun.entrySet()) {
            List<Double> v = new ArrayList<>();
            int notPassed = 0;
            long first = Long.MAX_VALUE;
            Set<String> commits = new LinkedHashSet<>();
            Set<String> kernels = new LinkedHashSet<>();
            for (Trial t : e.getValue()) {
                first = Math.min(first, t.timestampMs());
                commits.add(t.dim(Dimension.PROJECT_COMMIT));
                kernels.add(t.dim(Dimension.KERNEL));
                if (!t.counts()) {
                    notPassed++;
                    continue;
                }
                Double x = t.value(def.name());
                if (x != null) {
                    v.add(x);
                }
            }
            if (v.isEmpty()) {
                continue;
            }
            SideStats s = SideStats.of(v.stream().mapToDouble(Double::doubleValue).toArray(), 0.05);
            out.add(new HistoryPoint(e.getKey(), Instant.ofEpochMilli(first).toString(), CommitCohort.render(commits),
                    String.join("|", kernels), s.mean(), s.n(), s.sd(), notPassed));
        }
        if (out.isEmpty()) {
            throw new StatsInputException("stats history " + metric + ": no passing result of " + filter.label()
                    + " has " + metric);
        }
        // by the instant, not the text: Instant.toString() drops zero fractions, so "…:00.5Z" sorts before "…:00Z"
        out.sort(Comparator.comparing((HistoryPoint p) -> Listings.instant(p.date())).thenComparing(HistoryPoint::runId));
        return out;
    }
}
