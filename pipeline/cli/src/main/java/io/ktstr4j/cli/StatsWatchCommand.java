package io.ktstr4j.cli;

import io.ktstr4j.cli.kafka.KafkaClientOptions;
import io.ktstr4j.regressions.RegressionWatch;
import io.ktstr4j.regressions.WatchOptions;
import io.ktstr4j.schemas.SchemaException;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.KafkaUnavailableException;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.stats.StatsInputException;
import io.ktstr4j.stats.TrialFilter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stats watch}: the continuous regression consumer ({@link RegressionWatch}) until Ctrl-C or SIGTERM, which
 * commit what was processed and print the counters. Bad options are one line and exit 2, like every stats command.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Read the results topic as a Kafka Streams application and compare each new result with its "
                + "baseline: the last --baseline-window passing results of the same variant that match --baseline. "
                + "Publishes one analysis.regression per regressed metric and one analysis.summary per result, and "
                + "the flaky ledger's analysis.flaky, to PREFIX.regressions (keyed by variant). Instances sharing "
                + "--application-id split the work; exactly-once: a restart goes on from the committed offsets.",
                "Runs until Ctrl-C or SIGTERM."},
        footer = {"", "Exit codes: 0 stopped by a signal, 2 bad input or the consumer failed."})
final class StatsWatchCommand implements Callable<Integer> {

    private final Services services;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--baseline", paramLabel = "DIM=VALUE", required = true,
            description = "Which results make a baseline, e.g. run_source=ci or project_commit=abc1234 "
                    + "(repeatable; the syntax of stats compare --a).")
    List<String> baseline = new ArrayList<>();

    @Option(names = "--baseline-window", paramLabel = "N", defaultValue = "5",
            description = "How many of a variant's latest matching results its baseline holds "
                    + "(default: ${DEFAULT-VALUE}).")
    int window;

    @Mixin
    GateOptions gates;

    @Mixin
    StreamsAppOptions streams = new StreamsAppOptions();

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Stream threads in this instance (default: ${DEFAULT-VALUE}).")
    int threads;

    StatsWatchCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = services.err();
        WatchOptions o;
        RegressionWatch w;
        try {
            o = options();
            w = RegressionWatch.start(o);
        } catch (StatsInputException | SchemaException | IllegalArgumentException e) {
            return refuse(e.getMessage());
        } catch (KafkaUnavailableException e) {
            return refuse("--kafka " + kafka.bootstrap + ": " + Main.message(e));
        }
        TopicLayout layout = new TopicLayout(o.kafka().topicPrefix());
        err.println("stats watch: reading " + layout.name(TopicLayout.RESULTS) + " as " + o.applicationId()
                + " (baseline " + o.baseline().label() + ", the last " + o.window() + " per variant), publishing to "
                + layout.name(TopicLayout.REGRESSIONS) + "; Ctrl-C stops");
        return StreamsCommandLoop.run("stats watch", w.app(), () -> w.counters().line(), streams.reportSeconds,
                err);
    }

    private WatchOptions options() {
        streams.reportSeconds(); // checked before anything starts
        KafkaSinkConfig cluster = kafka.runningCluster();
        TrialFilter filter = TrialFilter.parse("--baseline", baseline);
        return WatchOptions.builder(cluster, filter).window(window).compare(gates.options(List.of()))
                .applicationId(streams.applicationId).stateDir(streams.stateDir())
                .threads(threads).build();
    }

    private int refuse(String message) {
        return StatsSubcommand.refuse(services, "ktstr4j stats watch", message);
    }
}
