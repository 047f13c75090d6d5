package io.ktstr4j.cli;

import io.ktstr4j.pipeline.kernel.ResolvedKernel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of a gauntlet's kernels in its variant keys ({@code steady/tiny-2llc/eevdf/6.12.117}): each kernel's
 * cache key or release, or the folder it is in when two are alike (two builds of one version), made safe for a key.
 */
final class KernelLabels {

    private KernelLabels() {
    }

    /**
     * A label per kernel image: the resolver's (a cache key, else the release, else the folder), else the folders'
     * names when two labels are alike; refused when two kernels cannot be told apart by either.
     */
    static Map<Path, String> of(List<ResolvedKernel> kernels) {
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (ResolvedKernel k : kernels) {
            if (!seen.add(k.image().toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("--kernel: " + k.image() + " is given twice");
            }
        }
        Map<Path, String> byLabel = new LinkedHashMap<>();
        Map<Path, String> byFolder = new LinkedHashMap<>();
        for (ResolvedKernel k : kernels) {
            Path dir = k.image().toAbsolutePath().normalize().getParent();
            byLabel.put(k.image(), safe(k.label()));
            byFolder.put(k.image(), safe(dir == null || dir.getFileName() == null ? k.image().toString()
                    : dir.getFileName().toString()));
        }
        if (distinct(byLabel)) {
            return byLabel;
        }
        if (distinct(byFolder)) {
            return byFolder;
        }
        throw new IllegalArgumentException("--kernel: " + kernels.stream().map(ResolvedKernel::image).toList()
                + " cannot be told apart in the variant keys (same label and same folder name); give each kernel a "
                + "cache key of its own (ktstr4j kernel import DIR --key KEY)");
    }

    private static boolean distinct(Map<Path, String> labels) {
        Map<String, Path> seen = new HashMap<>();
        for (Map.Entry<Path, String> e : labels.entrySet()) {
            Path other = seen.putIfAbsent(e.getValue(), e.getKey());
            if (other != null && !other.toAbsolutePath().normalize().equals(e.getKey().toAbsolutePath().normalize())) {
                return false;
            }
        }
        return true;
    }

    /** Letters, digits, '.', '_' and '-'; the rest becomes '_' (a key's parts are split on '/'). */
    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
