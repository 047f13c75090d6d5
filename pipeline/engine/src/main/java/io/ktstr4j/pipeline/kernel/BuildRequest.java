package io.ktstr4j.pipeline.kernel;

/**
 * One {@code kernel build}.
 *
 * @param source what to build
 * @param jobs   {@code make -j}
 * @param key    the cache key to use instead of the one derived from the source, or null
 * @param label  appended to the derived key ({@code -LABEL}), or null
 * @param force  rebuild and replace an entry that exists
 */
public record BuildRequest(BuildSource source, int jobs, String key, String label, boolean force) {

    public BuildRequest {
        if (source == null) {
            throw new KernelException("no source to build from: pass --source DIR, --tarball FILE, --git URL --ref REF "
                    + "or --debian [VERSION]");
        }
        if (jobs < 1) {
            throw new KernelException("--jobs " + jobs + ": must be at least 1");
        }
        if (key != null && label != null) {
            throw new KernelException("--key and --label do not go together: --key names the whole entry");
        }
    }
}
