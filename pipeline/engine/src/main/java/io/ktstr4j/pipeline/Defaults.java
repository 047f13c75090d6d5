package io.ktstr4j.pipeline;

import io.ktstr4j.pipeline.kernel.KernelResolver;
import io.ktstr4j.pipeline.kernel.ResolvedKernel;
import java.nio.file.Path;
import java.util.Optional;

/** Where the CLI looks for things when the user does not say. */
public final class Defaults {

    public static final String KERNEL_ENV = KernelResolver.KERNEL_ENV;
    public static final String ROOT_ENV = "KTSTR4J_ROOT";

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

    /** This machine's kernel resolver, with the project root above (the one resolution order of the project). */
    public static KernelResolver kernelResolver() {
        return KernelResolver.system(projectRoot());
    }

    /**
     * The default kernel image in {@link KernelResolver}'s order ($KTSTR4J_KERNEL, the kernel caches, the project's
     * shared kernel, ./linux, ../linux, /lib/modules, /boot), when any place has one. A $KTSTR4J_KERNEL that names
     * nothing usable throws {@link io.ktstr4j.pipeline.kernel.KernelException}.
     */
    public static Optional<Path> kernel() {
        return kernelResolver().findDefault().map(ResolvedKernel::image);
    }
}
