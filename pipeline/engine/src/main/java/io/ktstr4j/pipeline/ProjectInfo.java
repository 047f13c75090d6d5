package io.ktstr4j.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Facts about the project and kernel recorded in the sidecar; best effort, null when unknown. */
public final class ProjectInfo {

    private static volatile String commit;
    private static volatile boolean commitRead;
    private static final Pattern CONFIG_HEADER = Pattern.compile("Linux/\\S+ (\\S+) Kernel Configuration");
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+(?:\\.\\d+)?[\\w.+-]*)");

    private ProjectInfo() {
    }

    /** The project's HEAD as 7 hex digits, "-dirty" when the tree has changes; null outside git. */
    public static String projectCommit() {
        if (!commitRead) {
            synchronized (ProjectInfo.class) {
                if (!commitRead) {
                    commit = readCommit();
                    commitRead = true;
                }
            }
        }
        return commit;
    }

    private static String readCommit() {
        try {
            String head = run("git", "rev-parse", "--short=7", "HEAD");
            if (head == null || head.isBlank()) {
                return null;
            }
            String status = run("git", "status", "--porcelain", "--untracked-files=no");
            return head.strip() + (status != null && !status.isBlank() ? "-dirty" : "");
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The kernel version: from a sibling {@code config} file's header, else from the directory name. */
    public static String kernelVersion(Path kernel) {
        if (kernel == null) {
            return null;
        }
        Path dir = kernel.toAbsolutePath().getParent();
        if (dir == null) {
            return null;
        }
        Path config = dir.resolve("config");
        try {
            if (Files.isRegularFile(config)) {
                try (var lines = Files.lines(config, StandardCharsets.UTF_8)) {
                    var hit = lines.limit(5).map(CONFIG_HEADER::matcher).filter(Matcher::find).findFirst();
                    if (hit.isPresent()) {
                        return hit.get().group(1);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the directory name
        }
        Matcher m = VERSION.matcher(dir.getFileName().toString());
        return m.find() ? m.group(1) : null;
    }
}
