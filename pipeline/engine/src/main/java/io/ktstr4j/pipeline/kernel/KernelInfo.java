package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        return INFO.computeIfAbsent(kernel.toAbsolutePath().normalize(), KernelInfo::read);
    }

    private static Info read(Path image) {
        Path dir = image.getParent();
        if (dir == null) {
            return new Info(null, null);
        }
        KernelMetadata meta = KernelMetadata.readOrNull(dir);
        // the source tree matters for the version without a metadata version, and for the commit without metadata
        Path tree = meta == null || meta.version() == null ? sourceTree(image) : null;
        return new Info(readVersion(dir, meta, tree), readCommit(meta, tree));
    }

    /** The version, in the order of {@link #version}. */
    private static String readVersion(Path dir, KernelMetadata meta, Path tree) {
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

    private static String readCommit(KernelMetadata meta, Path tree) {
        if (meta != null) {
            Path source = meta.source() instanceof KernelSource.Local l ? l.sourceTreePath() : null;
            String live = source != null && isTopLevel(source) ? Git.describe(source) : null;
            String recorded = meta.source() instanceof KernelSource.GitClone g ? g.gitHash()
                    : meta.source() instanceof KernelSource.Local l ? l.gitHash() : null;
            return live != null ? live : shortHash(recorded);
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

    /** {@code dir} is the top of a git work tree (not a folder somewhere inside one). */
    static boolean isTopLevel(Path dir) {
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

    /** The release in a kernel {@code config} file's header ({@code # Linux/x86 6.12.117 Kernel Configuration}). */
    static String configVersion(Path config) {
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
