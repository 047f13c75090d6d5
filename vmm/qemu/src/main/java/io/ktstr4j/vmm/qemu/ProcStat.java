package io.ktstr4j.vmm.qemu;

/** Fields of a /proc/PID[/task/TID]/stat line (the comm field may contain spaces and parentheses). */
final class ProcStat {

    private ProcStat() {}

    private static String[] afterComm(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc stat line: " + stat);
        }
        return stat.substring(close + 2).trim().split(" ");
    }

    /** Field 3: the run state (R, S, D, T, t, Z...). */
    static char state(String stat) {
        return afterComm(stat)[0].charAt(0);
    }

    /** Fields 14 + 15: utime + stime in clock ticks. */
    static long cpuTicks(String stat) {
        String[] f = afterComm(stat);
        // f[0] is field 3, so field n is f[n - 3]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
