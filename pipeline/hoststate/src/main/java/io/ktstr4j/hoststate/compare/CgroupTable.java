package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.hoststate.HostCgroupStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The cgroup rows of a comparison: both captures' cgroup_stats re-keyed through the flatten globs and merged. */
final class CgroupTable {
    private CgroupTable() {}

    static List<CgroupRow> rows(Map<String, HostCgroupStats> baseline, Map<String, HostCgroupStats> candidate,
                                CgroupFlatten flatten) {
        Map<String, List<HostCgroupStats>> a = byKey(baseline, flatten);
        Map<String, List<HostCgroupStats>> b = byKey(candidate, flatten);
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        List<CgroupRow> rows = new ArrayList<>(keys.size());
        for (String key : keys) {
            List<HostCgroupStats> sa = a.getOrDefault(key, List.of());
            List<HostCgroupStats> sb = b.getOrDefault(key, List.of());
            rows.add(new CgroupRow(key, a.containsKey(key), b.containsKey(key),
                    reading(CgroupField.CPU_USAGE_USEC, sa, sb), reading(CgroupField.NR_THROTTLED, sa, sb),
                    reading(CgroupField.THROTTLED_USEC, sa, sb), reading(CgroupField.MEMORY_CURRENT, sa, sb)));
        }
        return rows;
    }

    private static Map<String, List<HostCgroupStats>> byKey(Map<String, HostCgroupStats> stats, CgroupFlatten flatten) {
        Map<String, List<HostCgroupStats>> out = new TreeMap<>();
        stats.forEach((path, s) -> out.computeIfAbsent(flatten.key(path), k -> new ArrayList<>()).add(s));
        return out;
    }

    private static CgroupRow.Reading reading(CgroupField f, List<HostCgroupStats> a, List<HostCgroupStats> b) {
        CgroupField.Merged ma = f.merge(a);
        CgroupField.Merged mb = f.merge(b);
        Long delta = ma.value() == null || mb.value() == null ? null : mb.value() - ma.value();
        return new CgroupRow.Reading(ma.value(), mb.value(), delta, ma.unread(), mb.unread());
    }
}
