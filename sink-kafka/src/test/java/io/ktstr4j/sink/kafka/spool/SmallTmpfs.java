package io.ktstr4j.sink.kafka.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs for tests of a full disk: a real ENOSPC from the kernel. Needs root (CI runs as root); otherwise the
 * calling test is skipped with the reason.
 */
public final class SmallTmpfs implements AutoCloseable {
    private final Path dir;

    private SmallTmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (e.g. {@code 1m}) on {@code dir} (created). */
    public static SmallTmpfs mount(Path dir, String size) throws IOException, InterruptedException {
        Assumptions.assumeTrue("0".equals(run("id", "-u").trim()),
                "needs root to mount a " + size + " tmpfs (CI runs as root)");
        Files.createDirectories(dir);
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        Assumptions.assumeTrue(out.startsWith("rc=0"), "cannot mount a tmpfs here: " + out);
        return new SmallTmpfs(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Unmounts; throws when that fails (a test must not leave a mount behind unnoticed). */
    @Override
    public void close() throws IOException, InterruptedException {
        String out = run("umount", dir.toString());
        if (!out.startsWith("rc=0")) {
            throw new IOException("cannot unmount " + dir + ": " + out);
        }
    }

    /** Runs a command; returns its stdout for {@code id}, else "rc=N …" (status and output). */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "rc=timeout " + out;
        }
        return cmd[0].equals("id") ? out : "rc=" + p.exitValue() + " " + out;
    }
}
