package io.ktstr4j.pipeline.kernel;

import java.nio.file.Path;
import java.util.List;

/**
 * What a {@code kernel build} produced.
 *
 * @param entry    the cache entry (new, or the existing one reused), or null when the build was not cached (a dirty
 *                 tree)
 * @param image    the bootable image: in the entry, or in the source tree when not cached
 * @param reused   the entry existed and nothing was built
 * @param log      the build's log file
 * @param warnings what the user should know (options olddefconfig dropped, schedulers not built, not cached)
 */
public record BuildResult(CacheEntry entry, Path image, boolean reused, Path log, List<String> warnings) {
}
