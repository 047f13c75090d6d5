package io.ktstr4j.pipeline.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Real git repositories in a test's temp folder (the tests are skipped where git is not installed). */
public final class GitFixture {

    private GitFixture() {
    }

    public static void assumeGit() {
        Assumptions.assumeTrue(Git.run(Path.of("").toAbsolutePath(), "--version") != null, "git is not installed");
    }

    /** Runs git in {@code dir} with a fixed identity; fails the test when git fails. */
    public static String git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=t",
                "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("git %s: %s", args, out).isZero();
            return out.strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new repository at {@code dir} with one commit of {@code files} (name, content pairs); returns HEAD. */
    public static String repo(Path dir, String... files) throws IOException {
        Files.createDirectories(dir);
        git(dir, "init", "-q");
        for (int i = 0; i < files.length; i += 2) {
            Path f = dir.resolve(files[i]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, files[i + 1]);
        }
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "--allow-empty", "-m", "first");
        return git(dir, "rev-parse", "HEAD");
    }
}
