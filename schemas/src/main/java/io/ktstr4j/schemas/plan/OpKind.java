package io.ktstr4j.schemas.plan;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/** The payload-free discriminant of {@link Op}; {@link #bit()} is ktstr's bit in the stimulus {@code op_kinds} mask. */
public enum OpKind {
    ADD_CGROUP(0),
    REMOVE_CGROUP(1),
    SET_CPUSET(2),
    CLEAR_CPUSET(3),
    SWAP_CPUSETS(4),
    SPAWN(5),
    STOP_CGROUP(6),
    SET_AFFINITY(7),
    SPAWN_HOST(8),
    MOVE_ALL_TASKS(9),
    RUN_PAYLOAD(10),
    WAIT_PAYLOAD(11),
    KILL_PAYLOAD(12);

    private final int bitIndex;

    OpKind(int bitIndex) {
        this.bitIndex = bitIndex;
    }

    public int bitIndex() {
        return bitIndex;
    }

    public long bit() {
        return 1L << bitIndex;
    }

    /** The JSON type id ({@code add_cgroup}). */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The bitmask of a set of op kinds. */
    public static long mask(Collection<OpKind> kinds) {
        long m = 0;
        for (OpKind k : kinds) m |= k.bit();
        return m;
    }

    /** The op kinds in a bitmask (unknown bits ignored). */
    public static Set<OpKind> fromMask(long mask) {
        Set<OpKind> s = EnumSet.noneOf(OpKind.class);
        for (OpKind k : values()) if ((mask & k.bit()) != 0) s.add(k);
        return s;
    }
}
