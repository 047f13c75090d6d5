package io.ktstr4j.pipeline.kernel;

import java.nio.file.Path;

/** What {@code kernel build} builds from. */
public sealed interface BuildSource {

    /** A kernel source tree on this machine, built in place (its own {@code .config} is kept when it has one). */
    record SourceTree(Path dir) implements BuildSource {
    }

    /** A release tarball ({@code .tar.xz}, {@code .tar.gz}), unpacked into the cache's build folder. */
    record Tarball(Path file) implements BuildSource {
    }

    /** A shallow clone of {@code url} (a remote URL or a local repository) at {@code ref} (branch, tag, commit). */
    record GitRepo(String url, String ref) implements BuildSource {
    }

    /**
     * Debian's {@code linux-source-VERSION} package: {@code /usr/src/linux-source-VERSION.tar.xz}.
     *
     * @param version {@code 6.12}, or null for the newest one installed
     * @param install run {@code apt-get install -y linux-source-VERSION} when it is not installed
     */
    record Debian(String version, boolean install) implements BuildSource {
    }
}
