package io.ktstr4j.cli;

import io.ktstr4j.pipeline.KernelInfo;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of a gauntlet's kernels in its variant keys ({@code steady/tiny-2llc/eevdf/6.12.117}): each kernel's
 * release, or the folder it is in when two have one release (two builds of one version), made safe for a key.
 */
final class KernelLabels {

    private KernelLabels() {
    }

    /** A label per kernel; refused when two kernels cannot be told apart by either. */
    static Map<Path, String> of(List<Path> kernels) {
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (Path k : kernels) {
            if (!seen.add(k.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("--kernel: " + k + " is given twice");
            }
        }
        Map<Path, String> byVersion = new LinkedHashMap<>();
        Map<Path, String> byFolder = new LinkedHashMap<>();
        for (Path k : kernels) {
            String v = KernelInfo.version(k);
            Path dir = k.toAbsolutePath().normalize().getParent();
            byVersion.put(k, safe(v != null ? v : dir == null ? k.getFileName().toString() : dir.getFileName().toString()));
            byFolder.put(k, safe(dir == null || dir.getFileName() == null ? k.toString() : dir.getFileName().toString()));
        }
        if (distinct(byVersion)) {
            return byVersion;
        }
        if (distinct(byFolder)) {
            return byFolder;
        }
        throw new IllegalArgumentException("--kernel: " + kernels + " cannot be told apart in the variant keys (same "
                + "release and same folder name); give each kernel a folder of its own name");
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
