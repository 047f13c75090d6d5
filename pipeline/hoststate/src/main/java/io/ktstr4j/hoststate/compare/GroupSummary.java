package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.hoststate.ThreadState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The threads of one group in one capture, added up per metric. A thread whose reading of a metric is missing counts
 * in {@link MetricSummary#unread()} and not in the value, for every kind of metric.
 *
 * @param key     the group's key
 * @param threads its threads
 * @param metrics every {@link HostMetric}
 */
public record GroupSummary(String key, int threads, Map<HostMetric, MetricSummary> metrics) {
    public GroupSummary {
        metrics = Collections.unmodifiableMap(new EnumMap<>(metrics));
    }

    public MetricSummary metric(HostMetric m) {
        return metrics.get(m);
    }

    /** The threads of a capture by group key, each group summed (keys in string order). */
    public static Map<String, GroupSummary> group(List<ThreadState> threads, GroupBy by, CgroupFlatten flatten) {
        Map<String, List<ThreadState>> buckets = new TreeMap<>();
        for (ThreadState t : threads) {
            buckets.computeIfAbsent(by.key(t, flatten), k -> new ArrayList<>()).add(t);
        }
        Map<String, GroupSummary> out = new TreeMap<>();
        buckets.forEach((key, members) -> out.put(key, of(key, members)));
        return Collections.unmodifiableMap(out);
    }

    /** One group's threads summed. */
    public static GroupSummary of(String key, List<ThreadState> threads) {
        Map<HostMetric, MetricSummary> metrics = new EnumMap<>(HostMetric.class);
        for (HostMetric m : HostMetric.values()) {
            List<ThreadState> read = new ArrayList<>(threads.size());
            for (ThreadState t : threads) {
                if (!m.unreadIn(t)) {
                    read.add(t);
                }
            }
            Aggregate value = read.isEmpty() ? null : aggregate(m, read);
            metrics.put(m, new MetricSummary(value, threads.size() - read.size()));
        }
        return new GroupSummary(key, threads.size(), metrics);
    }

    /** The aggregate of threads that were all read for the metric (at least one). */
    static Aggregate aggregate(HostMetric m, List<ThreadState> read) {
        return switch (m.aggregation()) {
            case SUM -> sum(m, read);
            case RANGE -> range(m, read);
            case MODE -> mode(m, read);
            case AFFINITY -> affinity(m, read);
        };
    }

    private static Aggregate.Sum sum(HostMetric m, List<ThreadState> read) {
        long total = 0;
        for (ThreadState t : read) {
            total = Saturating.add(total, m.number(t));
        }
        return new Aggregate.Sum(total);
    }

    private static Aggregate.Range range(HostMetric m, List<ThreadState> read) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (ThreadState t : read) {
            long v = m.number(t);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new Aggregate.Range(min, max);
    }

    private static Aggregate.Mode mode(HostMetric m, List<ThreadState> read) {
        Map<String, Integer> counts = new TreeMap<>();
        for (ThreadState t : read) {
            counts.merge(m.label(t), 1, Integer::sum);
        }
        // TreeMap order and a strict '>' keep the alphabetically smallest of tied values.
        String best = null;
        int bestCount = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return new Aggregate.Mode(best, bestCount, read.size());
    }

    private static Aggregate.Affinity affinity(HostMetric m, List<ThreadState> read) {
        int min = Integer.MAX_VALUE;
        int max = 0;
        List<Integer> first = m.cpus(read.get(0));
        boolean uniform = true;
        for (ThreadState t : read) {
            List<Integer> cpus = m.cpus(t);
            min = Math.min(min, cpus.size());
            max = Math.max(max, cpus.size());
            uniform &= cpus.equals(first);
        }
        return new Aggregate.Affinity(min, max, uniform ? first : null);
    }
}
