package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the commands of a kernel build, one named step at a time, with all their output appended to one log file and a
 * progress line every so often ({@code make bzImage: 5123 files compiled, 4m10s}). {@link #cancel()} kills the running
 * command with its whole process tree (make's compilers) and makes every later step fail at once.
 */
final class BuildSteps {

    /** A line of kbuild's short output for one compiled file ({@code   CC      kernel/sched/core.o}). */
    private static final Pattern COMPILED = Pattern.compile("(?m)^\\s+CC\\s");

    private final Path log;
    private final Map<String, String> env;
    private final Consumer<String> progress;
    private final Duration interval;
    private volatile boolean cancelled;
    private volatile Process current;

    /**
     * @param log      the log every step appends to (created)
     * @param env      the commands' environment (PATH, HOME, ...)
     * @param progress where progress lines go (the CLI: stderr)
     * @param interval how often a running step reports
     */
    BuildSteps(Path log, Map<String, String> env, Consumer<String> progress, Duration interval) {
        this.log = log;
        this.env = env;
        this.progress = progress;
        this.interval = interval;
    }

    Path log() {
        return log;
    }

    /**
     * Runs {@code cmd} in {@code dir} as step {@code step}; returns when it exited 0.
     *
     * @throws KernelBuildException it failed, could not start, or the build was cancelled
     */
    void run(String step, Path dir, List<String> cmd) {
        if (cancelled) {
            throw new KernelBuildException(step, "cancelled", log);
        }
        long t0 = System.nanoTime();
        try {
            Files.writeString(log, "\n==> " + step + ": " + String.join(" ", cmd) + " (in " + dir + ")\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().clear();
            pb.environment().putAll(env);
            long logStart = Files.size(log);
            Process p = pb.start();
            current = p;
            if (cancelled) {
                killTree(p); // cancel() came between the check above and start()
            }
            int compiled = 0;
            long offset = logStart;
            while (!p.waitFor(interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                long size = Files.size(log);
                compiled += count(offset, size);
                offset = size;
                progress.accept(String.format(Locale.ROOT, "kernel build: %s: %s%s", step,
                        compiled > 0 ? compiled + " files compiled, " : "", elapsed(t0)));
            }
            current = null;
            if (cancelled) {
                throw new KernelBuildException(step, "cancelled", log);
            }
            if (p.exitValue() != 0) {
                throw new KernelBuildException(step, "'" + String.join(" ", cmd) + "' exited " + p.exitValue(), log);
            }
        } catch (IOException e) {
            throw new KernelBuildException(step, "cannot run '" + cmd.get(0) + "': " + e.getMessage(), log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new KernelBuildException(step, "interrupted", log);
        }
    }

    /** Appends a line to the log (what the builder did itself, between commands). */
    void note(String line) {
        try {
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is a help, not a result
        }
    }

    /** Stops the build: kills the running command and its descendants; later steps fail as cancelled. */
    void cancel() {
        cancelled = true;
        Process p = current;
        if (p != null) {
            killTree(p);
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    /**
     * make forks compilers that would outlive it. Its descendants are listed before it is killed (after that they
     * belong to init and cannot be found), then it goes (it starts nothing more), then they and whatever they started
     * in between.
     */
    private static void killTree(Process p) {
        List<ProcessHandle> tree = p.toHandle().descendants().toList();
        p.destroyForcibly();
        List<ProcessHandle> all = new java.util.ArrayList<>(tree);
        tree.forEach(h -> h.descendants().forEach(all::add));
        all.forEach(ProcessHandle::destroyForcibly);
    }

    /** Compiled-file lines in the log between two offsets. */
    private int count(long from, long to) {
        if (to <= from) {
            return 0;
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            byte[] b = new byte[(int) Math.min(to - from, 64L << 20)];
            f.seek(from);
            f.readFully(b);
            Matcher m = COMPILED.matcher(new String(b, StandardCharsets.ISO_8859_1));
            int n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        } catch (IOException e) {
            return 0;
        }
    }

    static String elapsed(long t0) {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        return s >= 60 ? s / 60 + "m" + String.format(Locale.ROOT, "%02ds", s % 60) : s + "s";
    }
}
