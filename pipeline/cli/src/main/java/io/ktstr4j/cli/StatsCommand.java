package io.ktstr4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ktstr4j stats}: the results store and what it answers (docs/stats.md). */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Results: store sidecars, list runs, metrics and values, compare A against B, a metric's "
                + "history, flaky variants; watch the results topic for regressions.",
        subcommands = {StatsIngestCommand.class, StatsListCommand.class, StatsListMetricsCommand.class, StatsListValuesCommand.class,
                StatsCompareCommand.class, StatsHistoryCommand.class, StatsFlakyCommand.class, StatsWatchCommand.class},
        footer = {"", "Exit codes: 0 done (compare: no regression), 1 compare found a regression, 2 bad input."})
final class StatsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a stats command is required (ingest, list, "
                + "list-metrics, list-values, compare, history, flaky, watch)");
    }
}
