package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A cache entry being put together in a temporary folder beside the cache's entries. {@link #commit} writes the
 * metadata and renames the folder into place, so a reader sees the whole entry or none of it; {@link #close} without a
 * commit (a failure, a cancelled build) removes the folder.
 */
public final class EntryStaging implements AutoCloseable {

    /** Where a replaced entry waits for its removal after the new one is in place. */
    static final String OLD_PREFIX = ".old-";

    private final KernelCache cache;
    private final String key;
    private final Path dir;
    private boolean committed;

    EntryStaging(KernelCache cache, String key, Path dir) {
        this.cache = cache;
        this.key = key;
        this.dir = dir;
    }

    /** The temporary folder: write the entry's files here. */
    public Path dir() {
        return dir;
    }

    public String key() {
        return key;
    }

    /**
     * Writes {@code metadata.json} and publishes the folder as entry {@link #key()}. An existing entry of that key is
     * replaced only with {@code replace}; it is moved aside first and removed after the new one is in place.
     *
     * @throws KernelException the image named by the metadata is missing, or the key is taken and not to be replaced
     */
    public CacheEntry commit(KernelMetadata metadata, boolean replace) {
        if (committed) {
            throw new IllegalStateException("entry " + key + " is already committed");
        }
        if (!Files.isRegularFile(dir.resolve(metadata.imageName()))) {
            throw new KernelException("entry " + key + ": no " + metadata.imageName() + " was written to " + dir);
        }
        metadata.write(dir);
        Path target = cache.root().resolve(key);
        Path old = null;
        try {
            if (Files.exists(target)) {
                if (!replace) {
                    throw new KernelException("cache entry " + key + " already exists in " + cache.root()
                            + ": pass --force to replace it, or choose another --key");
                }
                old = cache.root().resolve(OLD_PREFIX + key + "-" + ProcessHandle.current().pid());
                Trees.delete(old);
                move(target, old);
            }
            try {
                move(dir, target);
            } catch (IOException e) {
                if (old != null) {
                    move(old, target); // put the previous entry back
                }
                throw e;
            }
            committed = true;
            if (old != null) {
                Trees.delete(old);
            }
        } catch (IOException e) {
            throw new KernelException("cannot publish cache entry " + key + " in " + cache.root() + ": " + e, e);
        }
        return KernelCache.read(target, CacheEntry.Origin.KTSTR4J);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically (not one file system?)", e);
        }
    }

    /** Removes the temporary folder unless it was committed. */
    @Override
    public void close() {
        if (!committed) {
            Trees.deleteQuietly(dir);
        }
    }
}
