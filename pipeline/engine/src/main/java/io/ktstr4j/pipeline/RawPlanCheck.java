package io.ktstr4j.pipeline;

import io.ktstr4j.vmm.initramfs.InitramfsBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a raw agent plan file ({@code ktstr4j run x.plan}) on the host, before any VM boots, with the parser the
 * guest will use: the packaged agent run as {@code ktstr4j-agent --check-plan FILE} (main.c), which parses the plan
 * (sc_plan.c for {@code v1}, plan.c for {@code trivial}) and runs nothing. So the host has no second copy of the
 * format to drift from the agent's; a bad line is reported as {@code FILE:LINE: problem} instead of failing inside
 * the guest after a boot.
 */
public final class RawPlanCheck {

    private static final Pattern LINE = Pattern.compile("^plan line (\\d+): (.*)$", Pattern.DOTALL);
    private static final long TIMEOUT_MS = 10_000;
    private static Path agent;

    private RawPlanCheck() {}

    /**
     * Throws {@link IllegalArgumentException} {@code "<file>:<line>: <problem>"} when the agent would refuse the plan;
     * returns normally when it parses.
     */
    public static void check(Path planFile) {
        if (!Files.isRegularFile(planFile)) {
            throw new IllegalArgumentException(planFile + ": no such plan file");
        }
        Path bin = agentBinary();
        Process p;
        try {
            p = new ProcessBuilder(bin.toString(), "--check-plan", planFile.toAbsolutePath().toString())
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(planFile + ": cannot run the agent to check the plan (" + bin + "): "
                    + e.getMessage(), e);
        }
        try {
            byte[] out = p.getInputStream().readNBytes(16 * 1024);
            if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(planFile + ": the plan check did not finish in " + TIMEOUT_MS + " ms");
            }
            int rc = p.exitValue();
            if (rc == 0) {
                return;
            }
            String msg = new String(out, StandardCharsets.UTF_8).strip();
            if (rc != 65) {
                throw new IllegalStateException(planFile + ": the plan check failed (agent exit " + rc + "): " + msg);
            }
            Matcher m = LINE.matcher(msg);
            throw new IllegalArgumentException(m.matches() ? planFile + ":" + m.group(1) + ": " + m.group(2)
                    : planFile + ": " + msg);
        } catch (IOException e) {
            throw new UncheckedIOException(planFile + ": reading the plan check's output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(planFile + ": interrupted while checking the plan", e);
        }
    }

    /** The packaged agent as an executable file, written once per JVM. */
    private static synchronized Path agentBinary() {
        if (agent == null) {
            try {
                Path p = Files.createTempFile("ktstr4j-agent-check", "");
                Files.write(p, InitramfsBuilder.packagedAgent());
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
                p.toFile().deleteOnExit();
                agent = p;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the agent binary to check plans: " + e.getMessage(), e);
            }
        }
        return agent;
    }
}
