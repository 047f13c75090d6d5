package io.ktstr4j.pipeline;

import io.ktstr4j.vmm.monitor.KernelDebugFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed kernel symbols and BTF, kept for the last few kernels: a gauntlet boots the same kernel for every variant,
 * and parsing System.map and BTF costs about half a second and some 30 MB each time. A file that changed on disk
 * (size or modification time) is parsed again.
 */
final class KernelDebugCache {

    static final int MAX_KERNELS = 2;

    private record Key(KernelDebugFiles files, long symbolsStamp, long btfStamp) {}

    private final Map<Key, KernelDebugFiles.Loaded> entries = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, KernelDebugFiles.Loaded> eldest) {
            return size() > MAX_KERNELS;
        }
    };
    private int loads;

    /** Parsed files, from the cache when unchanged. Blocking (reads files): call it off Reactor's parallel pool. */
    synchronized KernelDebugFiles.Loaded load(KernelDebugFiles files) {
        Key k = new Key(files, stamp(files.symbols()), stamp(files.btf()));
        KernelDebugFiles.Loaded l = entries.get(k);
        if (l == null) {
            l = files.load();
            loads++;
            entries.put(k, l);
        }
        return l;
    }

    /** How many times files were actually parsed (tests). */
    synchronized int loads() {
        return loads;
    }

    private static long stamp(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() * 31 + Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
