package io.ktstr4j.pipeline;

import io.ktstr4j.vmm.initramfs.ElfDeps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The shell a {@code kernel_builtin} scheduler's enable and disable lines run with in the guest: a statically linked
 * busybox ({@code $KTSTR4J_BUSYBOX}, else {@code /bin/busybox} as Debian's {@code busybox-static} installs it). The
 * guest has no other shell: the agent is the whole userland.
 */
public final class BuiltinShell {

    public static final String ENV = "KTSTR4J_BUSYBOX";

    private BuiltinShell() {
    }

    /** The busybox to put into the guest; refused, saying what to install, when there is none or it is dynamic. */
    public static Path find() {
        String env = System.getenv(ENV);
        List<Path> candidates = env != null && !env.isBlank() ? List.of(Path.of(env))
                : List.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                try {
                    if (ElfDeps.read(p).isDynamic()) {
                        throw new IllegalArgumentException("scheduler: kernel_builtin runs its lines with a static "
                                + "busybox, and " + p + " is dynamically linked (install busybox-static, or set $"
                                + ENV + ")");
                    }
                } catch (IOException e) {
                    throw new IllegalArgumentException("scheduler: kernel_builtin: cannot read " + p + ": " + e, e);
                }
                return p;
            }
        }
        throw new IllegalArgumentException("scheduler: kernel_builtin runs its enable/disable lines with a static "
                + "busybox in the guest, and there is none at " + candidates + ": apt-get install busybox-static, or "
                + "set $" + ENV + " to one");
    }
}
