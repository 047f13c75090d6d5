package io.ktstr4j.schemas.plan;

import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A cgroup and the workers it starts with (ktstr {@code CgroupDef}). Nested cgroups are named by path
 * ({@code "a/b"}); parents must be defined first (earlier in the list or an earlier step).
 *
 * @param name        cgroup path relative to the test's cgroup root, segments {@code [A-Za-z0-9_.-]+}
 * @param cpuset      its CPUs; null = inherit the parent's
 * @param workers     worker count; null = the test's {@code workers_per_cgroup}
 * @param workType    default {@code cpu_spin}
 * @param schedPolicy default {@code normal}
 * @param affinity    default {@code inherit}
 * @param memPolicy   default {@code default}
 * @param mpolFlags   default none
 * @param swappable   may take part in {@code swap_cpusets} (default false)
 */
public record CgroupDef(String name, CpusetSpec cpuset, Integer workers, WorkType workType, SchedPolicy schedPolicy,
                        AffinityKind affinity, MemPolicy memPolicy, List<MpolFlag> mpolFlags, Boolean swappable) {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");

    public CgroupDef {
        checkPath("name", name);
        if (workers != null) Validate.atLeast("workers", workers, 1);
        if (workType == null) workType = WorkType.defaultType();
        if (schedPolicy == null) schedPolicy = new SchedPolicy.Normal();
        if (affinity == null) affinity = new AffinityKind.Inherit();
        if (memPolicy == null) memPolicy = new MemPolicy.Default();
        mpolFlags = Validate.list("mpol_flags", mpolFlags).stream().distinct().sorted().toList();
        if (swappable == null) swappable = false;
    }

    /** A cgroup with default everything. */
    public static CgroupDef named(String name) {
        return new CgroupDef(name, null, null, null, null, null, null, null, null);
    }

    /** The workers as a {@link Work}. */
    public Work work() {
        return new Work(workers, workType, schedPolicy, affinity, memPolicy, mpolFlags);
    }

    /** Parent path, or null for a top-level cgroup. */
    public String parent() {
        int i = name.lastIndexOf('/');
        return i < 0 ? null : name.substring(0, i);
    }

    /** Validates a cgroup path ({@code a}, {@code a/b}); used for op fields too. */
    public static String checkPath(String field, String path) {
        Validate.nonBlank(field, path);
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || !SEGMENT.matcher(seg).matches())
                throw new InvalidFieldException(field, "'" + path + "' is not a cgroup path; expected segments of "
                        + "[A-Za-z0-9_.-] separated by '/', e.g. \"workers/a\"");
        }
        return path;
    }
}
