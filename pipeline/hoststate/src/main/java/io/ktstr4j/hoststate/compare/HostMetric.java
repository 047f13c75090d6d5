package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.hoststate.ThreadState;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The 32 thread metrics a comparison reports, in ktstr 0.4.9's order (the order of a group's rows): each with its JSON
 * name (the {@link ThreadState} field), its unit, how a group's threads add up, and how it is read from a thread.
 * Not compared: tid, tgid, pcomm, comm, cgroup, start_time_clock_ticks (identity).
 */
public enum HostMetric {
    POLICY("policy", "", Aggregation.MODE) {
        @Override
        public String label(ThreadState t) {
            return t.policy();
        }
    },
    NICE("nice", "", Aggregation.RANGE, ThreadState::nice),
    CPU_AFFINITY("cpu_affinity", "", Aggregation.AFFINITY) {
        @Override
        public List<Integer> cpus(ThreadState t) {
            return t.cpuAffinity();
        }
    },
    RUN_TIME_NS("run_time_ns", HostMetric.NS, ThreadState::runTimeNs),
    WAIT_TIME_NS("wait_time_ns", HostMetric.NS, ThreadState::waitTimeNs),
    TIMESLICES("timeslices", "", ThreadState::timeslices),
    VOLUNTARY_CSW("voluntary_csw", "", ThreadState::voluntaryCsw),
    NONVOLUNTARY_CSW("nonvoluntary_csw", "", ThreadState::nonvoluntaryCsw),
    NR_WAKEUPS("nr_wakeups", "", ThreadState::nrWakeups),
    NR_WAKEUPS_LOCAL("nr_wakeups_local", "", ThreadState::nrWakeupsLocal),
    NR_WAKEUPS_REMOTE("nr_wakeups_remote", "", ThreadState::nrWakeupsRemote),
    NR_WAKEUPS_SYNC("nr_wakeups_sync", "", ThreadState::nrWakeupsSync),
    NR_WAKEUPS_MIGRATE("nr_wakeups_migrate", "", ThreadState::nrWakeupsMigrate),
    NR_WAKEUPS_IDLE("nr_wakeups_idle", "", ThreadState::nrWakeupsIdle),
    NR_MIGRATIONS("nr_migrations", "", ThreadState::nrMigrations),
    // ktstr 0.4.9 captures wait_sum, sleep_sum and iowait_sum in whole milliseconds yet labels them ns; the label
    // stays ktstr's, the values are whatever the capture holds.
    WAIT_SUM("wait_sum", HostMetric.NS, ThreadState::waitSum),
    WAIT_COUNT("wait_count", "", ThreadState::waitCount),
    SLEEP_SUM("sleep_sum", HostMetric.NS, ThreadState::sleepSum),
    BLOCK_SUM("block_sum", HostMetric.NS, ThreadState::blockSum),
    BLOCK_COUNT("block_count", "", ThreadState::blockCount),
    IOWAIT_SUM("iowait_sum", HostMetric.NS, ThreadState::iowaitSum),
    IOWAIT_COUNT("iowait_count", "", ThreadState::iowaitCount),
    ALLOCATED_BYTES("allocated_bytes", HostMetric.BYTES, ThreadState::allocatedBytes),
    DEALLOCATED_BYTES("deallocated_bytes", HostMetric.BYTES, ThreadState::deallocatedBytes),
    MINFLT("minflt", "", ThreadState::minflt),
    MAJFLT("majflt", "", ThreadState::majflt),
    RCHAR("rchar", HostMetric.BYTES, ThreadState::rchar),
    WCHAR("wchar", HostMetric.BYTES, ThreadState::wchar),
    SYSCR("syscr", "", ThreadState::syscr),
    SYSCW("syscw", "", ThreadState::syscw),
    READ_BYTES("read_bytes", HostMetric.BYTES, ThreadState::readBytes),
    WRITE_BYTES("write_bytes", HostMetric.BYTES, ThreadState::writeBytes);

    /** How a group's threads add up for one metric. */
    public enum Aggregation {
        /** Counters: the saturating sum. */
        SUM,
        /** {@code nice}: min..max, compared by its midpoint. */
        RANGE,
        /** {@code policy}: the most common value, compared as same/differs. */
        MODE,
        /** {@code cpu_affinity}: the CPU counts and the set when every thread shares it, compared as text. */
        AFFINITY;

        /** Whether the comparison has a numeric delta ({@code DeltaRow}) rather than a text one ({@code SettingRow}). */
        public boolean numeric() {
            return this == SUM || this == RANGE;
        }
    }

    private static final String NS = "ns";
    private static final String BYTES = "B";
    private static final Map<String, HostMetric> BY_JSON_NAME = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(HostMetric::jsonName, m -> m));

    private final String jsonName;
    private final String unit;
    private final Aggregation aggregation;
    private final ToLongFunction<ThreadState> number;

    HostMetric(String jsonName, String unit, ToLongFunction<ThreadState> counter) {
        this(jsonName, unit, Aggregation.SUM, counter);
    }

    HostMetric(String jsonName, String unit, Aggregation aggregation) {
        this(jsonName, unit, aggregation, null);
    }

    HostMetric(String jsonName, String unit, Aggregation aggregation, ToLongFunction<ThreadState> number) {
        this.jsonName = jsonName;
        this.unit = unit;
        this.aggregation = aggregation;
        this.number = number;
    }

    /** The ThreadState field's JSON name, as in its {@code missing} list and in {@code DeltaRow.metric}. */
    public String jsonName() {
        return jsonName;
    }

    /** {@code ns}, {@code B} or empty. */
    public String unit() {
        return unit;
    }

    public Aggregation aggregation() {
        return aggregation;
    }

    /** The thread's reading of a SUM or RANGE metric. */
    public long number(ThreadState t) {
        if (number == null) {
            throw new UnsupportedOperationException(jsonName + " is not a number");
        }
        return number.applyAsLong(t);
    }

    /** The thread's reading of the MODE metric. */
    public String label(ThreadState t) {
        throw new UnsupportedOperationException(jsonName + " is not a label");
    }

    /** The thread's reading of the AFFINITY metric. */
    public List<Integer> cpus(ThreadState t) {
        throw new UnsupportedOperationException(jsonName + " is not a CPU set");
    }

    /** Whether the thread's reading of this metric could not be taken. */
    public boolean unreadIn(ThreadState t) {
        return t.isMissing(jsonName);
    }

    /** The metric of a JSON name. */
    public static HostMetric of(String jsonName) {
        HostMetric m = BY_JSON_NAME.get(jsonName);
        if (m == null) {
            throw new IllegalArgumentException("'" + jsonName + "' is not a compared host-state metric");
        }
        return m;
    }
}
