package io.ktstr4j.hoststate.compare;

import java.util.List;
import java.util.TreeSet;

/** A CPU set written as the kernel's cpulist: runs collapsed, {@code 0-3,8,10-11}. */
final class CpuList {
    private CpuList() {}

    static String format(List<Integer> cpus) {
        StringBuilder out = new StringBuilder();
        Integer start = null;
        int prev = 0;
        for (int c : new TreeSet<>(cpus)) {
            if (start != null && c == prev + 1) {
                prev = c;
                continue;
            }
            if (start != null) {
                appendRun(out, start, prev);
            }
            start = c;
            prev = c;
        }
        if (start != null) {
            appendRun(out, start, prev);
        }
        return out.toString();
    }

    private static void appendRun(StringBuilder out, int from, int to) {
        if (!out.isEmpty()) {
            out.append(',');
        }
        out.append(from);
        if (to != from) {
            out.append('-').append(to);
        }
    }
}
