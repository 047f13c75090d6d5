package io.ktstr4j.vmm.initramfs;

import io.ktstr4j.vmm.plan.AgentPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Builds the initramfs archives (agent + plan + scheduler) a VM boots with. May block (file I/O). */
@FunctionalInterface
public interface GuestImage {
    List<Path> build(Contents contents) throws IOException;

    /**
     * What goes into the guest besides the agent.
     *
     * @param memoryBudgetBytes how much guest RAM the unpacked image may take
     * @param includeFiles      copied under {@code /include-files/} by file name
     * @param scheduler         the sched_ext scheduler to start, or null (the kernel's own scheduler)
     * @param builtin           a scheduler built into the kernel, switched by shell lines, or null
     */
    record Contents(AgentPlan plan, long memoryBudgetBytes, List<Path> includeFiles, Scheduler scheduler,
                    Builtin builtin) {
        public Contents {
            includeFiles = includeFiles == null ? List.of() : List.copyOf(includeFiles);
            if (scheduler != null && builtin != null) {
                throw new IllegalArgumentException("scheduler: a sched_ext binary and a kernel_builtin one at once");
            }
        }

        /** Without a kernel_builtin scheduler. */
        public Contents(AgentPlan plan, long memoryBudgetBytes, List<Path> includeFiles, Scheduler scheduler) {
            this(plan, memoryBudgetBytes, includeFiles, scheduler, null);
        }
    }

    /**
     * A scheduler built into the kernel: the agent runs each {@code enable} line with {@code shell} ({@code sh -c})
     * before the scenario and each {@code disable} line after it.
     *
     * @param shell a static busybox, put into the guest as {@code /bin/busybox}
     */
    record Builtin(Path shell, List<String> enable, List<String> disable) {
        public Builtin {
            Objects.requireNonNull(shell, "shell");
            enable = List.copyOf(enable);
            disable = List.copyOf(disable);
        }
    }

    /** @param opsName the sched_ext ops name to wait for ({@code ""} = any) */
    record Scheduler(Path binary, List<String> args, String opsName) {
        public Scheduler {
            Objects.requireNonNull(binary, "binary");
            args = args == null ? List.of() : List.copyOf(args);
        }
    }
}
