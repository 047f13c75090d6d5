package io.ktstr4j.schemas.spec;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * Which scheduler the guest runs (ktstr {@code SchedulerSpec}).
 * JSON: {@code {"kind":"eevdf"}}, {@code {"kind":"path","name":"scx_lavd","binary":"/work/shared/kernels/…/scx_lavd",
 * "args":["--performance"]}}, {@code {"kind":"kernel_builtin","name":"minlat","enable":["echo …"],"disable":[…]}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = SchedulerSpec.Eevdf.class, name = "eevdf"),
        @JsonSubTypes.Type(value = SchedulerSpec.Path.class, name = "path"),
        @JsonSubTypes.Type(value = SchedulerSpec.KernelBuiltin.class, name = "kernel_builtin")
})
public sealed interface SchedulerSpec {
    /** Name recorded in results ({@code eevdf} for the kernel default). */
    String name();

    /** The kernel's default fair scheduler; no sched_ext scheduler is loaded. */
    record Eevdf() implements SchedulerSpec {
        @Override
        public String name() {
            return "eevdf";
        }
    }

    /**
     * A sched_ext scheduler binary copied into the initramfs as {@code /scheduler}.
     *
     * @param name   result name; null = the binary's file name
     * @param binary host path of the binary
     * @param args   its base arguments (before test/flag arguments)
     */
    record Path(String name, String binary, List<String> args) implements SchedulerSpec {
        public Path {
            Validate.nonBlank("binary", binary);
            args = Validate.list("args", args);
            if (name == null || name.isBlank()) name = java.nio.file.Path.of(binary).getFileName().toString();
        }
    }

    /**
     * A scheduler built into the kernel, switched by shell lines run in the guest.
     *
     * @param name    result name
     * @param enable  lines that switch it on (e.g. {@code echo minlat > /sys/kernel/debug/sched/ext/root/ops})
     * @param disable lines that switch it off
     */
    record KernelBuiltin(String name, List<String> enable, List<String> disable) implements SchedulerSpec {
        public KernelBuiltin {
            Validate.nonBlank("name", name);
            enable = Validate.list("enable", enable);
            disable = Validate.list("disable", disable);
            if (enable.isEmpty()) throw new InvalidFieldException("enable", "needs at least one command");
        }
    }
}
