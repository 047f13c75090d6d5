package io.ktstr4j.hoststate.compare;

import java.util.List;

/**
 * How two captures are compared.
 *
 * @param groupBy       what threads are grouped by
 * @param cgroupFlatten cgroup paths merged under globs (grouping by cgroup only)
 * @param sortBy        the order of the numeric rows
 */
public record CompareOptions(GroupBy groupBy, CgroupFlatten cgroupFlatten, SortBy sortBy) {
    /** By pcomm, no flattening, by absolute delta. */
    public static final CompareOptions DEFAULTS = new CompareOptions(GroupBy.PCOMM, CgroupFlatten.NONE, SortBy.DELTA);

    public CompareOptions {
        groupBy = groupBy == null ? GroupBy.PCOMM : groupBy;
        cgroupFlatten = cgroupFlatten == null ? CgroupFlatten.NONE : cgroupFlatten;
        sortBy = sortBy == null ? SortBy.DELTA : sortBy;
    }

    public CompareOptions withGroupBy(GroupBy g) {
        return new CompareOptions(g, cgroupFlatten, sortBy);
    }

    /** These options flattening under the globs; IllegalArgumentException naming an invalid one. */
    public CompareOptions withCgroupFlatten(List<String> globs) {
        return new CompareOptions(groupBy, CgroupFlatten.of(globs), sortBy);
    }

    public CompareOptions withSortBy(SortBy s) {
        return new CompareOptions(groupBy, cgroupFlatten, s);
    }
}
