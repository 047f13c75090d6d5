package io.ktstr4j.hoststate.compare;

import java.util.List;

/**
 * How {@link DeltaSummaries} sums up two captures.
 *
 * @param groupBy       what threads are grouped by
 * @param top           how many rows (largest absolute change first) and busiest groups the event carries
 * @param ignoredGroups globs of group keys left out of the busiest groups and of the quiet verdict (the harness's own
 *                      processes, {@link #HARNESS_GROUPS})
 * @param quietLimit    the host is quiet when no group outside the ignored ones used more than this fraction of one
 *                      CPU between the captures
 */
public record DeltaOptions(GroupBy groupBy, int top, List<String> ignoredGroups, double quietLimit) {
    /** The harness's own processes: the JVM and the VMs it boots. */
    public static final List<String> HARNESS_GROUPS = List.of("java", "qemu-system-*");
    /** The default quiet limit: 10 % of one CPU. */
    public static final double QUIET_LIMIT = 0.10;
    /** By pcomm, 10 rows, the harness's own processes ignored, quiet under 10 % of a CPU. */
    public static final DeltaOptions DEFAULTS = new DeltaOptions(GroupBy.PCOMM, 10, HARNESS_GROUPS, QUIET_LIMIT);

    public DeltaOptions {
        groupBy = groupBy == null ? GroupBy.PCOMM : groupBy;
        if (top < 0) {
            throw new IllegalArgumentException("top " + top + ": expected 0 or more rows");
        }
        ignoredGroups = List.copyOf(ignoredGroups == null ? List.of() : ignoredGroups);
        ignoredGroups.forEach(Glob::of); // refuse an invalid glob here, not at the first capture pair
        if (!(quietLimit > 0)) {
            throw new IllegalArgumentException("quiet limit " + quietLimit + ": expected a fraction of a CPU above 0");
        }
    }

    public DeltaOptions withIgnoredGroups(List<String> globs) {
        return new DeltaOptions(groupBy, top, globs, quietLimit);
    }

    public DeltaOptions withTop(int n) {
        return new DeltaOptions(groupBy, n, ignoredGroups, quietLimit);
    }

    public DeltaOptions withQuietLimit(double fraction) {
        return new DeltaOptions(groupBy, top, ignoredGroups, fraction);
    }

    public DeltaOptions withGroupBy(GroupBy g) {
        return new DeltaOptions(g, top, ignoredGroups, quietLimit);
    }
}
