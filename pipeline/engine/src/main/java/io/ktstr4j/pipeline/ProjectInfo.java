package io.ktstr4j.pipeline;

import io.ktstr4j.pipeline.kernel.Git;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The commits of what a run tested, as the sidecar records them: the project under test ({@code project_commit}) and
 * the scheduler binary ({@code scheduler_commit}). Best effort and cached per path for the life of the process (a
 * gauntlet asks once per variant); null when unknown. The kernel's are {@link io.ktstr4j.pipeline.kernel.KernelInfo}'s.
 */
public final class ProjectInfo {

    private static final Map<Path, Optional<String>> PROJECT_COMMITS = new ConcurrentHashMap<>();
    private static final Map<Path, Optional<String>> SCHEDULER_COMMITS = new ConcurrentHashMap<>();

    private ProjectInfo() {
    }

    /**
     * The commit of the git repository holding {@code dir} (null = the working directory): HEAD's first 7 hex digits,
     * {@code -dirty} when tracked files differ from it. Null outside git, or when git is absent.
     */
    public static String projectCommit(Path dir) {
        Path d = key(dir == null ? Path.of("") : dir);
        return PROJECT_COMMITS.computeIfAbsent(d, x -> Optional.ofNullable(Git.describe(x))).orElse(null);
    }

    /**
     * The scheduler binary's commit: its git repository's HEAD (7 hex, {@code -dirty}) when the binary lies inside a
     * work tree, else {@code sha256:<64 hex>} of the file; null for no binary (EEVDF) or an unreadable one.
     */
    public static String schedulerCommit(Path binary) {
        if (binary == null) {
            return null;
        }
        Path b = key(binary);
        return SCHEDULER_COMMITS.computeIfAbsent(b, x -> {
            Path dir = x.getParent();
            Path top = dir == null ? null : Git.topLevel(dir);
            // described as a project: a binary built inside the project under test shares its one git status
            String commit = top != null ? projectCommit(top) : null;
            return Optional.ofNullable(commit != null ? commit : sha256(x));
        }).orElse(null);
    }

    /**
     * The project a run tests when {@code --project-dir} is not given: the git work tree holding the spec file, else
     * the one holding the scheduler binary, else the working directory {@code cwd}. Either input may be null (a canned
     * scenario has no spec file, EEVDF no binary).
     */
    public static Path defaultProjectDir(Path specFile, Path schedulerBinary, Path cwd) {
        for (Path file : new Path[] {specFile, schedulerBinary}) {
            Path dir = file == null ? null : key(file).getParent();
            Path top = dir == null ? null : Git.topLevel(dir);
            if (top != null) {
                return top;
            }
        }
        return cwd;
    }

    /** {@code sha256:<hex>} of a file's bytes; null when it cannot be read. */
    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** One cache entry per file, however it was spelled. */
    static Path key(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
