package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** A build step that failed (or was cancelled): names the step and the log that has its output. */
public final class KernelBuildException extends KernelException {

    private final String step;
    private final Path log;

    public KernelBuildException(String step, String why, Path log) {
        super("kernel build failed at step '" + step + "': " + why + (log == null ? "" : "; log: " + log));
        this.step = step;
        this.log = log;
    }

    public String step() {
        return step;
    }

    /** The log file, or null when the step wrote none. */
    public Path log() {
        return log;
    }

    /** The last {@code n} lines of the log (empty when there is none). */
    public List<String> tail(int n) {
        if (log == null || !Files.isReadable(log)) {
            return List.of();
        }
        Deque<String> last = new ArrayDeque<>();
        // InputStreamReader replaces bytes that are not UTF-8 (a compiler's output may have them) instead of failing
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(log),
                StandardCharsets.UTF_8))) {
            for (String l; (l = lines.readLine()) != null; ) {
                last.addLast(l);
                if (last.size() > n) {
                    last.removeFirst();
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
        return List.copyOf(last);
    }
}
