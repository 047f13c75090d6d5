package io.ktstr4j.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the CLI looks for things when the user does not say. */
public final class Defaults {

    public static final String KERNEL_ENV = "KTSTR4J_KERNEL";
    public static final String ROOT_ENV = "KTSTR4J_ROOT";
    static final String SHARED_KERNEL = "../shared/kernels/6.12.117-scx/bzImage";

    private Defaults() {
    }

    /** The project root: $KTSTR4J_ROOT (set by the launcher), else the working directory. */
    public static Path projectRoot() {
        String env = System.getenv(ROOT_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String prop = System.getProperty("ktstr.projectRoot");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        return Path.of("").toAbsolutePath();
    }

    /** $KTSTR4J_KERNEL, else the shared 6.12 sched_ext kernel next to the project, when present. */
    public static Optional<Path> kernel() {
        String env = System.getenv(KERNEL_ENV);
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        Path shared = projectRoot().resolve(SHARED_KERNEL).normalize();
        return Files.isRegularFile(shared) ? Optional.of(shared) : Optional.empty();
    }
}
