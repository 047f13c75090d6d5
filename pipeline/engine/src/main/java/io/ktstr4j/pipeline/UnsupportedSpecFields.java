package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.spec.TestSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Test spec fields the runner parses but does not act on yet. A spec that sets one to anything but its default would
 * run differently from what it says, so it is refused, naming the field and what is missing; a field at its default
 * (or omitted) is fine. When a field becomes acted on, its line goes.
 */
public final class UnsupportedSpecFields {

    /** Fields no open issue implements yet. */
    static final String UNPLANNED = "no issue yet";

    private UnsupportedSpecFields() {}

    /** One {@code "<json field>: <why>"} per field set away from its default; empty when the spec runs as written. */
    public static List<String> of(TestSpec s) {
        List<String> out = new ArrayList<>();
        if (!s.autoRepro()) {
            add(out, "auto_repro", "false", "issue 21, failure diagnosis", "no probe VM is booted when the scheduler dies, whatever it says");
        }
        if (s.performanceMode()) {
            add(out, "performance_mode", "true", UNPLANNED, "vCPUs are not pinned and guest RAM is not on hugepages");
        }
        if (s.hostOnly()) {
            add(out, "host_only", "true", UNPLANNED, "every test boots a VM");
        }
        if (s.bpfMapWrite() != null) {
            add(out, "bpf_map_write", "set", UNPLANNED, "no BPF map write is injected after the scheduler loads");
        }
        if (s.payload() != null) {
            add(out, "payload", "'" + s.payload() + "'", "issue 22, binary payloads", "the primary payload is not started; start it with a "
                    + "run_payload op in the plan");
        }
        if (s.watchdogTimeoutMs() != TestSpec.DEFAULT_WATCHDOG_TIMEOUT_MS) {
            add(out, "watchdog_timeout_ms", String.valueOf(s.watchdogTimeoutMs()), "issue 19, gauntlet",
                    "the guest keeps the scheduler's "
                    + "own ops.timeout_ms (or the kernel's 30 s); docs/schemas.md says why it is not written from "
                    + "the host");
        }
        return out;
    }

    /** Throws naming every unsupported field; {@code source} (the spec file, or the test name) starts the message. */
    public static void refuse(String source, TestSpec s) {
        List<String> problems = of(s);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + String.join("; ", problems));
        }
    }

    private static void add(List<String> out, String field, String value, String issue, String why) {
        out.add(field + ": " + value + " is not implemented yet (" + issue + "): " + why
                + "; remove the field or set it to its default");
    }
}
