package io.ktstr4j.pipeline;

import java.nio.file.Path;
import java.util.List;

/**
 * The scheduler under test for one variant.
 *
 * @param name    "eevdf" for the kernel default, else the scheduler's name (binary file name by default)
 * @param binary  the sched_ext scheduler binary put into the guest as /scheduler (null for EEVDF)
 * @param args    its arguments (base args, then the profile's flag args, in that order)
 * @param opsName the sched_ext ops name the agent waits for ("" = any)
 * @param flags   the active flag names of the profile (sorted)
 * @param builtin a scheduler built into the kernel, switched by shell lines in the guest (null otherwise)
 */
public record SchedulerChoice(String name, Path binary, List<String> args, String opsName, List<String> flags,
                              Builtin builtin) {

    /**
     * A {@code kernel_builtin} scheduler: the agent runs each enable line ({@code sh -c}, with {@code shell}, a
     * static busybox put into the guest) before the scenario, each disable line after it.
     */
    public record Builtin(Path shell, List<String> enable, List<String> disable) {
        public Builtin {
            enable = List.copyOf(enable);
            disable = List.copyOf(disable);
        }
    }

    /** Not built into the kernel. */
    public SchedulerChoice(String name, Path binary, List<String> args, String opsName, List<String> flags) {
        this(name, binary, args, opsName, flags, null);
    }

    public static final String EEVDF = "eevdf";

    public SchedulerChoice {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("scheduler: a name is required");
        }
        args = args == null ? List.of() : List.copyOf(args);
        flags = flags == null ? List.of() : flags.stream().sorted().toList();
        opsName = opsName == null ? "" : opsName;
    }

    public static SchedulerChoice eevdf() {
        return new SchedulerChoice(EEVDF, null, List.of(), "", List.of());
    }

    /** A sched_ext scheduler binary; its name is the file name. */
    public static SchedulerChoice binary(Path binary, List<String> args) {
        return new SchedulerChoice(binary.getFileName().toString(), binary, args, "", List.of());
    }

    /** A scheduler built into the kernel, named {@code name}, switched on and off by shell lines. */
    public static SchedulerChoice builtin(String name, Path shell, List<String> enable, List<String> disable) {
        return new SchedulerChoice(name, null, List.of(), "", List.of(), new Builtin(shell, enable, disable));
    }

    /**
     * True when a sched_ext scheduler binary runs (the monitor checks apply). A kernel_builtin scheduler is not one:
     * what its lines switch on is the kernel's business, and the sched_ext checks are not applied to it.
     */
    public boolean isSchedExt() {
        return binary != null;
    }

    /**
     * The profile part of the variant name: the scheduler name when no flags are active (e.g. "eevdf"),
     * else the scheduler name and the sorted flags joined with '+'.
     */
    public String profile() {
        return flags.isEmpty() ? name : name + "+" + String.join("+", flags);
    }
}
