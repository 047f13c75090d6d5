package io.ktstr4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.schemas.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the sidecar records of the kernel under test, from its image's surroundings: {@code kernel_version} and
 * {@code kernel_commit}. Two layouts are understood besides a plain folder of files: ktstr's kernel cache entry (a
 * {@code metadata.json} next to the image) and a kernel source tree that is a git work tree (the image at
 * {@code arch/<arch>/boot/<image>}, or {@code vmlinux} at the top). Best effort: null when unknown.
 */
public final class KernelInfo {

    private static final Pattern CONFIG_HEADER = Pattern.compile("Linux/\\S+ (\\S+) Kernel Configuration");
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+(?:\\.\\d+)?[\\w.+-]*)");
    /** Per kernel image: what it is, read once per process (the metadata parsed and the source tree found once). */
    private static final Map<Path, Info> INFO = new ConcurrentHashMap<>();

    private record Info(String version, String commit) {
    }

    /**
     * The parts of ktstr's cache {@code metadata.json} that name the kernel; any may be null.
     *
     * @param version        {@code version}
     * @param gitHash        {@code source.git_hash} (a {@code git} or {@code local} source)
     * @param sourceTreePath {@code source.source_tree_path} (a {@code local} source)
     */
    record CacheMetadata(String version, String gitHash, Path sourceTreePath) {
    }

    private KernelInfo() {
    }

    /**
     * The kernel release: the cache metadata's {@code version}, else the source tree's
     * {@code include/config/kernel.release}, else the header of a {@code config} file next to the image, else a
     * version in the folder's name ({@code 6.12.117-scx}).
     */
    public static String version(Path kernel) {
        return kernel == null ? null : info(kernel).version();
    }

    /**
     * The kernel source's commit (7 hex, {@code -dirty} when the tree has changes), as ktstr records it: for a cache
     * entry, the live state of its {@code local} source tree when that still exists, else the {@code git_hash} the
     * metadata recorded; for an image inside a git kernel tree, that tree's HEAD. Null for a tarball build or a plain
     * folder.
     */
    public static String commit(Path kernel) {
        return kernel == null ? null : info(kernel).commit();
    }

    private static Info info(Path kernel) {
        return INFO.computeIfAbsent(ProjectInfo.key(kernel), KernelInfo::read);
    }

    private static Info read(Path image) {
        Path dir = image.getParent();
        if (dir == null) {
            return new Info(null, null);
        }
        CacheMetadata meta = metadata(dir);
        // the source tree matters for the version without a metadata version, and for the commit without metadata
        Path tree = meta == null || meta.version() == null ? sourceTree(image) : null;
        return new Info(readVersion(dir, meta, tree), readCommit(meta, tree));
    }

    /** The version, in the order of {@link #version}. */
    private static String readVersion(Path dir, CacheMetadata meta, Path tree) {
        if (meta != null && meta.version() != null) {
            return meta.version();
        }
        String release = tree == null ? null : firstLine(tree.resolve("include/config/kernel.release"));
        if (release != null) {
            return release;
        }
        String fromConfig = configVersion(dir.resolve("config"));
        if (fromConfig != null) {
            return fromConfig;
        }
        Matcher m = VERSION.matcher(dir.getFileName() == null ? "" : dir.getFileName().toString());
        return m.find() ? m.group(1) : null;
    }

    /** A full hash from ktstr's metadata as a live tree gives it: 7 hex digits, keeping a {@code -dirty} suffix. */
    static String shortHash(String hash) {
        if (hash == null) {
            return null;
        }
        boolean dirty = hash.endsWith("-dirty");
        String h = dirty ? hash.substring(0, hash.length() - "-dirty".length()) : hash;
        return (h.length() > 7 && h.matches("[0-9a-fA-F]+") ? h.substring(0, 7) : h) + (dirty ? "-dirty" : "");
    }

    private static String readCommit(CacheMetadata meta, Path tree) {
        if (meta != null) {
            Path source = meta.sourceTreePath();
            String live = source != null && isTopLevel(source) ? Git.describe(source) : null;
            return live != null ? live : shortHash(meta.gitHash());
        }
        return tree == null ? null : Git.describe(tree);
    }

    /**
     * The git kernel tree the image was built in: the folder three levels above {@code arch/<arch>/boot/<image>}, or
     * the image's own folder (a {@code vmlinux} at the top), when that folder is the top of a git work tree. A tree
     * merely inside some other repository does not count (its HEAD would be that repository's).
     */
    static Path sourceTree(Path image) {
        Path boot = image.getParent();
        if (boot != null && boot.getFileName() != null && boot.getFileName().toString().equals("boot")) {
            Path archDir = boot.getParent();
            Path arch = archDir == null ? null : archDir.getParent();
            if (arch != null && arch.getFileName() != null && arch.getFileName().toString().equals("arch")
                    && arch.getParent() != null && isTopLevel(arch.getParent())) {
                return arch.getParent();
            }
        }
        return boot != null && Files.isRegularFile(boot.resolve("Makefile")) && isTopLevel(boot) ? boot : null;
    }

    private static boolean isTopLevel(Path dir) {
        if (!Files.exists(dir.resolve(".git"))) {
            return false; // cheap refusal before asking git
        }
        Path top = Git.topLevel(dir);
        try {
            return top != null && Files.isSameFile(top, dir);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * ktstr's cache {@code metadata.json} in {@code dir}, read leniently: the {@code source} may be internally tagged
     * ({@code {"type": "git", "git_hash": …}}, what ktstr writes today), externally tagged ({@code {"Git": {…}}}) or
     * a bare variant name ({@code "Tarball"}); unknown fields are ignored. Null when there is none or it is not JSON.
     */
    static CacheMetadata metadata(Path dir) {
        Path file = dir.resolve("metadata.json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode root;
        try {
            root = Json.readTree(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException | RuntimeException e) {
            return null; // a broken cache entry: fall back to the other sources
        }
        if (!root.isObject()) {
            return null;
        }
        JsonNode source = root.path("source");
        JsonNode payload = source;
        if (source.isObject() && !source.has("type") && source.size() == 1) {
            Iterator<Map.Entry<String, JsonNode>> only = source.fields();
            payload = only.next().getValue(); // {"Git": {...}}: the variant's fields are inside
        }
        String tree = text(payload.path("source_tree_path"));
        return new CacheMetadata(text(root.path("version")), text(payload.path("git_hash")),
                tree == null ? null : Path.of(tree));
    }

    private static String text(JsonNode n) {
        return n.isTextual() && !n.asText().isBlank() ? n.asText().strip() : null;
    }

    private static String configVersion(Path config) {
        if (!Files.isRegularFile(config)) {
            return null;
        }
        try (var lines = Files.lines(config, StandardCharsets.UTF_8)) {
            return lines.limit(5).map(CONFIG_HEADER::matcher).filter(Matcher::find).findFirst()
                    .map(m -> m.group(1)).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String firstLine(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() || s.contains("\n") ? null : s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
