package io.ktstr4j.hoststate.compare;

import java.util.List;

/**
 * {@code --cgroup-flatten GLOB}, as ktstr: the first glob matching a cgroup path replaces the whole path with the glob's
 * text, so {@code /kubepods/pod-1/app} and {@code /kubepods/pod-2/app} both become {@code /kubepods/*}{@code /app}.
 * Used only when grouping by cgroup (group keys and the cgroup table).
 *
 * @param globs tried in order
 */
public record CgroupFlatten(List<Glob> globs) {
    /** No flattening: every path is its own key. */
    public static final CgroupFlatten NONE = new CgroupFlatten(List.of());

    public CgroupFlatten {
        globs = List.copyOf(globs);
    }

    /** Compiles the globs; IllegalArgumentException naming the first invalid one. */
    public static CgroupFlatten of(List<String> globs) {
        return new CgroupFlatten(globs.stream().map(Glob::of).toList());
    }

    /** The key a cgroup path is grouped under. */
    public String key(String path) {
        for (Glob g : globs) {
            if (g.matches(path)) {
                return g.text();
            }
        }
        return path;
    }

    /** The globs as written. */
    public List<String> texts() {
        return globs.stream().map(Glob::text).toList();
    }
}
