package io.ktstr4j.hoststate;

import java.util.List;
import java.util.TreeSet;

/**
 * A CPU set as the kernel writes a cpulist ({@code Cpus_allowed_list}): runs collapsed, {@code 0-3,8,10-11}. Here and
 * not in the guest module's plan code, which the host-state module does not import.
 */
public final class CpuListText {
    private CpuListText() {}

    /** The CPUs of a cpulist, ascending; IllegalArgumentException when it is not one (an empty list is not). */
    public static List<Integer> parse(String text) {
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : text.strip().split(",")) {
            String[] ends = part.split("-", -1);
            if (part.isEmpty() || ends.length > 2) {
                throw new IllegalArgumentException("'" + text + "' is not a cpulist");
            }
            try {
                int from = Integer.parseInt(ends[0]);
                int to = ends.length == 2 ? Integer.parseInt(ends[1]) : from;
                if (from < 0 || to < from) {
                    throw new IllegalArgumentException("'" + text + "' is not a cpulist");
                }
                for (int c = from; c <= to; c++) {
                    out.add(c);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a cpulist", e);
            }
        }
        return List.copyOf(out);
    }

    public static String format(List<Integer> cpus) {
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
