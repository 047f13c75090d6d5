package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.hoststate.ThreadState;
import java.util.Locale;

/** What a thread is grouped by (ktstr's {@code --group-by}); the key is a plain string, empty is a valid key. */
public enum GroupBy {
    /** The process name (its main thread's comm): every thread of a process, and every process of that name. */
    PCOMM,
    /** The cgroup v2 path, through {@code --cgroup-flatten}. */
    CGROUP,
    /** The thread's own name, across processes. */
    COMM;

    /** The key of a thread. */
    public String key(ThreadState t, CgroupFlatten flatten) {
        return switch (this) {
            case PCOMM -> t.pcomm();
            case CGROUP -> flatten.key(t.cgroup());
            case COMM -> t.comm();
        };
    }

    /** The name on the command line, in JSON and as the table's first header: {@code pcomm}, {@code cgroup}, {@code comm}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of a label; IllegalArgumentException listing the choices otherwise. */
    public static GroupBy of(String label) {
        for (GroupBy g : values()) {
            if (g.label().equals(label)) {
                return g;
            }
        }
        throw new IllegalArgumentException("group by '" + label + "': expected pcomm, cgroup or comm");
    }
}
