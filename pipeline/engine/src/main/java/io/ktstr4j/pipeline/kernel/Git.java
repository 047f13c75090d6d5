package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The few questions ktstr4j asks {@code git} about a folder (the sidecar's commits, a kernel source tree's state),
 * through the {@code git} command with a timeout. Best effort: git missing, a folder outside any repository, an unborn
 * HEAD or a slow repository all answer null.
 */
public final class Git {

    /** A kernel tree's first {@code git status} can take seconds; a hung one must not hold a run. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Git() {
    }

    /** The top folder of the work tree holding {@code dir}, or null. */
    public static Path topLevel(Path dir) {
        String out = run(dir, "rev-parse", "--show-toplevel");
        return out == null || out.isBlank() ? null : Path.of(out.strip());
    }

    /**
     * The commit checked out in the repository holding {@code dir} as ktstr writes it: the first 7 hex digits of HEAD,
     * {@code -dirty} appended when tracked files differ from HEAD (staged or not; untracked files and submodules do
     * not count, as in ktstr). Null outside git or without a HEAD commit.
     */
    public static String describe(Path dir) {
        String head = run(dir, "rev-parse", "--verify", "--quiet", "HEAD^{commit}");
        if (head == null || !head.strip().matches("[0-9a-f]{40,64}")) {
            return null;
        }
        String status = run(dir, "status", "--porcelain", "--untracked-files=no", "--ignore-submodules=all");
        // status failing (a corrupt index, the timeout) leaves the hash without a dirty mark, as ktstr does
        return head.strip().substring(0, 7) + (status != null && !status.isBlank() ? "-dirty" : "");
    }

    /** git's standard output, or null when git is absent, fails or times out. */
    public static String run(Path dir, String... args) {
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Path out = null;
        Process p = null;
        try {
            // Output to a file, not a pipe: a large status cannot fill a pipe and stall git until the timeout.
            out = Files.createTempFile("ktstr4j-git", ".out");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(
                            Path.of("/dev/null").toFile()));
            // a probe must not take the index lock from a git command the user runs at the same time
            pb.environment().put("GIT_OPTIONAL_LOCKS", "0");
            p = pb.start();
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
            return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a leftover temp file is harmless
                }
            }
        }
    }
}
