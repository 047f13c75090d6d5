package io.ktstr4j.vmm.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/** The kernel's CPU/node list text ({@code 0-3,6}), as written to {@code cpuset.cpus} and into agent plans. */
public final class CpuList {
    private CpuList() {}

    public static String format(Collection<Integer> cpus) {
        List<Integer> sorted = new ArrayList<>(new TreeSet<>(cpus));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sorted.size(); ) {
            int start = sorted.get(i), end = start;
            while (i + 1 < sorted.size() && sorted.get(i + 1) == end + 1) end = sorted.get(++i);
            i++;
            if (sb.length() > 0) sb.append(',');
            sb.append(start);
            if (end > start) sb.append('-').append(end);
        }
        return sb.toString();
    }

    /** Parses {@code 0-3,6}; throws IllegalArgumentException naming the bad part. */
    public static List<Integer> parse(String text) {
        TreeSet<Integer> out = new TreeSet<>();
        if (text == null || text.isBlank()) return List.of();
        for (String part : text.trim().split(",")) {
            String[] ab = part.split("-", -1);
            try {
                int a = Integer.parseInt(ab[0].trim());
                int b = ab.length == 2 ? Integer.parseInt(ab[1].trim()) : a;
                if (ab.length > 2 || a < 0 || b < a) throw new NumberFormatException();
                for (int c = a; c <= b; c++) out.add(c);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + part + "' in CPU list '" + text + "' is not N or N-M with N <= M");
            }
        }
        return List.copyOf(out);
    }
}
