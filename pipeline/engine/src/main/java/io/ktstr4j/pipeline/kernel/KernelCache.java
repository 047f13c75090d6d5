package io.ktstr4j.pipeline.kernel;

import io.ktstr4j.schemas.CacheDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The kernel caches: ktstr4j's own ({@code $KTSTR4J_CACHE_DIR/kernels}, else {@code ~/.cache/ktstr4j/kernels}), which
 * it writes, and ktstr's ({@code $KTSTR_CACHE_DIR}, else {@code $XDG_CACHE_HOME/ktstr/kernels}, else
 * {@code ~/.cache/ktstr/kernels}), which it reads and never changes. Both share one layout: a folder per cache key
 * holding the image, the debug files and {@code metadata.json}. Names starting with a dot are the caches' own
 * (temporary folders, build logs) and are never entries.
 */
public final class KernelCache {

    /** ktstr's variable for its kernel cache folder (used as it is, no {@code kernels} appended, as ktstr does). */
    public static final String KTSTR_CACHE_ENV = "KTSTR_CACHE_DIR";
    /** Where an entry is put together before the rename that publishes it. */
    static final String TMP_PREFIX = ".tmp-";
    /** Build logs and unpacked sources of {@code kernel build}. */
    static final String BUILDS = ".builds";

    /** Valid entries newest first (ktstr's order), then the corrupt ones; the key breaks ties. */
    private static final Comparator<CacheEntry> NEWEST_FIRST = Comparator.comparing((CacheEntry e) -> !e.valid())
            .thenComparing((CacheEntry e) -> e.metadata() == null ? null : e.metadata().builtAtInstant(),
                    Comparator.nullsLast(Comparator.<Instant>reverseOrder()))
            .thenComparing(CacheEntry::key);

    private final Path root;
    private final Path ktstrRoot;

    /**
     * @param root      ktstr4j's kernel cache folder (need not exist yet)
     * @param ktstrRoot ktstr's kernel cache folder, read only; null for none
     */
    public KernelCache(Path root, Path ktstrRoot) {
        this.root = root.toAbsolutePath().normalize();
        this.ktstrRoot = ktstrRoot == null ? null : ktstrRoot.toAbsolutePath().normalize();
    }

    /** The caches of this environment ({@code System.getenv()} for the real ones; tests pass temp folders). */
    public static KernelCache fromEnv(Map<String, String> env) {
        return new KernelCache(CacheDir.root(env).resolve("kernels"), ktstrRoot(env));
    }

    /** ktstr's kernel cache folder as ktstr resolves it. */
    static Path ktstrRoot(Map<String, String> env) {
        String dir = env.get(KTSTR_CACHE_ENV);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "ktstr", "kernels");
        }
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".cache", "ktstr",
                "kernels");
    }

    /** ktstr4j's cache folder. */
    public Path root() {
        return root;
    }

    /** ktstr's cache folder, or null. */
    public Path ktstrRoot() {
        return ktstrRoot;
    }

    /** The folder of {@code origin}'s cache. */
    public Path root(CacheEntry.Origin origin) {
        return origin == CacheEntry.Origin.KTSTR4J ? root : ktstrRoot;
    }

    /** Every entry, valid or corrupt: ktstr4j's newest first, then ktstr's newest first. */
    public List<CacheEntry> list() {
        List<CacheEntry> all = new ArrayList<>(list(CacheEntry.Origin.KTSTR4J));
        all.addAll(list(CacheEntry.Origin.KTSTR));
        return all;
    }

    /** The entries of one cache, newest first (by {@code built_at}; corrupt entries last). */
    public List<CacheEntry> list(CacheEntry.Origin origin) {
        Path dir = root(origin);
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .map(p -> read(p, origin)).sorted(NEWEST_FIRST).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the kernel cache " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The entry {@code key}, valid or corrupt: ktstr4j's first, then ktstr's. */
    public Optional<CacheEntry> find(String key) {
        if (key == null || key.isBlank() || key.contains("/") || key.startsWith(".")) {
            return Optional.empty();
        }
        for (CacheEntry.Origin o : CacheEntry.Origin.values()) {
            Path dir = root(o);
            if (dir != null && Files.isDirectory(dir.resolve(key))) {
                return Optional.of(read(dir.resolve(key), o));
            }
        }
        return Optional.empty();
    }

    /** The newest valid entry of {@code origin}'s cache. */
    public Optional<CacheEntry> newest(CacheEntry.Origin origin) {
        return list(origin).stream().filter(CacheEntry::valid).findFirst();
    }

    /** The entry in folder {@code dir} as it is now. */
    static CacheEntry read(Path dir, CacheEntry.Origin origin) {
        String key = dir.getFileName().toString();
        KernelMetadata meta;
        try {
            meta = KernelMetadata.read(dir);
        } catch (KernelException e) {
            return new CacheEntry(key, dir, origin, null, e.getMessage());
        }
        Path image = dir.resolve(meta.imageName());
        String corrupt = Files.isRegularFile(image) ? null : "image file " + meta.imageName()
                + " missing from entry directory";
        return new CacheEntry(key, dir, origin, meta, corrupt);
    }

    /**
     * A temporary folder for entry {@code key}, beside the entries (same file system, so publishing it is a rename).
     * Leftovers of processes that died are removed first.
     */
    public EntryStaging stage(String key) {
        CacheKeys.validate(key, "cache key");
        try {
            Files.createDirectories(root);
            removeOrphans();
            Path tmp = root.resolve(TMP_PREFIX + key + "-" + ProcessHandle.current().pid());
            Trees.delete(tmp);
            Files.createDirectories(tmp);
            return new EntryStaging(this, key, tmp);
        } catch (IOException e) {
            throw new KernelException("cannot create a folder in the kernel cache " + root + ": " + e.getMessage()
                    + " (set $" + CacheDir.ENV + " to a writable folder)", e);
        }
    }

    /** The folder {@code kernel build} keeps its logs (and, while building, unpacked sources) in. */
    public Path buildsDir() {
        return root.resolve(BUILDS);
    }

    /**
     * What {@code kernel clean} removes, as ktstr decides it: every corrupt entry of ktstr4j's cache, and the valid
     * ones past the {@code keep} newest ({@code null} keeps none); with {@code corruptOnly}, the corrupt ones alone.
     * ktstr's cache is never a candidate.
     */
    public List<CacheEntry> cleanCandidates(Integer keep, boolean corruptOnly) {
        List<CacheEntry> out = new ArrayList<>();
        int kept = 0;
        for (CacheEntry e : list(CacheEntry.Origin.KTSTR4J)) {
            if (!e.valid()) {
                out.add(e);
            } else if (!corruptOnly) {
                if (keep != null && kept < keep) {
                    kept++;
                } else {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** Deletes one of ktstr4j's entries; ktstr's are refused. */
    public void remove(CacheEntry e) {
        if (e.origin() != CacheEntry.Origin.KTSTR4J || !root.equals(e.dir().getParent())) {
            throw new KernelException(e.key() + " is in ktstr's cache (" + e.dir().getParent() + "): ktstr4j never "
                    + "changes it; use ktstr's own 'kernel clean'");
        }
        try {
            Trees.delete(e.dir());
        } catch (IOException x) {
            throw new KernelException("cannot remove " + e.dir() + ": " + x.getMessage(), x);
        }
    }

    /** Temporary folders left by ktstr4j processes that are gone (a killed build or import). */
    public List<Path> orphans() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)
                    || p.getFileName().toString().startsWith(EntryStaging.OLD_PREFIX)).filter(KernelCache::ownerGone)
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Removes {@link #orphans()}; returns how many went. */
    public int removeOrphans() {
        int n = 0;
        for (Path p : orphans()) {
            try {
                Trees.delete(p);
                n++;
            } catch (IOException e) {
                // another process may be removing it too; the next clean tries again
            }
        }
        return n;
    }

    /** A {@code .tmp-KEY-PID} folder whose process no longer runs. */
    private static boolean ownerGone(Path p) {
        String n = p.getFileName().toString();
        int dash = n.lastIndexOf('-');
        try {
            long pid = Long.parseLong(n.substring(dash + 1));
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return false; // not one of ours
        }
    }
}
