package io.ktstr4j.vmm.monitor;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts what went wrong while reading guest memory, by kind. Guest memory is untrusted: a bad pointer, a loop in a
 * list or an absurd count is counted here and the affected part of a sample is left out; it never ends the run.
 */
public final class MonitorErrors {

    public static final String ATTACH = "attach_not_ready";
    public static final String RQ = "rq_unreadable";
    public static final String SCHED_DOMAIN = "sched_domain_unreadable";
    public static final String SCHED_DOMAIN_LOOP = "sched_domain_loop";
    public static final String EVENT_COUNTERS = "event_counters_unreadable";
    public static final String VCPU_TIME = "vcpu_time_unavailable";
    public static final String DROPPED_TICK = "tick_dropped";
    public static final String XARRAY = "xarray_bounded";
    public static final String BPF_MAP = "bpf_map_unreadable";
    public static final String SCX_STATE = "scx_state_unreadable";
    public static final String FREEZE = "freeze_failed";
    /** A snapshot ran out of its time or byte budget (the guest was thawed; the snapshot says what is missing). */
    public static final String SNAPSHOT_BUDGET = "snapshot_budget_exceeded";

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicReference<String> last = new AtomicReference<>();

    public void count(String kind, String detail) {
        counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        last.set(kind + ": " + detail);
    }

    public long count(String kind) {
        AtomicLong v = counts.get(kind);
        return v == null ? 0 : v.get();
    }

    public long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Counts by kind, sorted by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** The most recent error with its detail (for logs and failure reports), or null. */
    public String last() {
        return last.get();
    }
}
