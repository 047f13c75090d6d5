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
     */
    record Contents(AgentPlan plan, long memoryBudgetBytes, List<Path> includeFiles, Scheduler scheduler) {
        public Contents {
            includeFiles = includeFiles == null ? List.of() : List.copyOf(includeFiles);
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
