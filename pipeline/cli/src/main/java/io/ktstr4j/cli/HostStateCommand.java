package io.ktstr4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ktstr4j host-state}: the host's threads captured, compared, watched (docs/host-state.md). */
@Command(name = "host-state", mixinStandardHelpOptions = true,
        description = "Host state: capture every host thread's counters (ktstr's .hst.zst), compare two captures, "
                + "capture on a schedule, and compare published captures as they arrive.",
        subcommands = {HostStateCaptureCommand.class, HostStateCompareCommand.class, HostStateWatchCommand.class,
                HostStateDiffWatchCommand.class},
        footer = {"", "Exit codes: 0 done, 2 bad input (a file that is not a capture, a bad option) or Kafka "
                + "failed."})
final class HostStateCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a host-state command is required (capture, "
                + "compare, watch, diff-watch)");
    }
}
