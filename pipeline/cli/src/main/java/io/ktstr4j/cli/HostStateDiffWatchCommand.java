package io.ktstr4j.cli;

import io.ktstr4j.cli.kafka.KafkaClientOptions;
import io.ktstr4j.hoststate.compare.DeltaOptions;
import io.ktstr4j.hoststate.compare.DeltaSummaries;
import io.ktstr4j.hoststate.compare.GroupBy;
import io.ktstr4j.hoststate.kafka.DiffWatch;
import io.ktstr4j.hoststate.kafka.DiffWatchOptions;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.KafkaUnavailableException;
import io.ktstr4j.sink.kafka.TopicLayout;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code host-state diff-watch}: the diff consumer ({@link DiffWatch}) until Ctrl-C or SIGTERM, which commit what was
 * processed and print the counters. Bad options are one line and exit 2.
 */
@Command(name = "diff-watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Read PREFIX.hoststate as a Kafka Streams application and compare each run's before/after "
                + "captures and each host's consecutive captures; publish the top deltas as host.state_delta events "
                + "to the same topic (keyed by host): which groups used the host's CPU between the two, and whether "
                + "the host was quiet. Exactly-once; instances sharing --application-id split the hosts.",
                "Runs until Ctrl-C or SIGTERM."},
        footer = {"", "Exit codes: 2 bad input or the consumer failed; stopped by Ctrl-C or SIGTERM, the JVM's signal "
                + "status (130, 143) once what was processed is committed."})
final class HostStateDiffWatchCommand implements Callable<Integer> {

    private final Services services;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--group-by", paramLabel = "pcomm|cgroup|comm", defaultValue = "pcomm",
            description = "How threads are grouped (default: ${DEFAULT-VALUE}).")
    String groupBy;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "Rows and busiest groups per delta (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--ignore", paramLabel = "GLOB",
            description = "Groups left out of the busiest list and the quiet verdict (repeatable; default: the "
                    + "harness's own process names, java and qemu-system-*, which mean something with --group-by pcomm "
                    + "or comm; any --ignore replaces the default).")
    List<String> ignore = new ArrayList<>();

    @Option(names = "--quiet-limit", paramLabel = "FRACTION", defaultValue = "0.10",
            description = "The host is quiet when no other group used more than this share of one CPU "
                    + "(default: ${DEFAULT-VALUE}).")
    double quietLimit;

    @Mixin
    StreamsAppOptions streams = new StreamsAppOptions();

    HostStateDiffWatchCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = services.err();
        DiffWatchOptions o;
        DiffWatch w;
        try {
            streams.reportSeconds(); // checked before anything starts
            KafkaSinkConfig cluster = kafka.runningCluster();
            DeltaSummaries summaries = new DeltaSummaries(new DeltaOptions(GroupBy.of(groupBy), top,
                    ignore.isEmpty() ? DeltaOptions.HARNESS_GROUPS : ignore, quietLimit));
            o = new DiffWatchOptions(cluster, streams.applicationId, streams.stateDir(), null,
                    summaries::summarize);
            w = DiffWatch.start(o);
        } catch (IllegalArgumentException e) {
            return refuse(e.getMessage());
        } catch (KafkaUnavailableException e) {
            return refuse("--kafka " + kafka.bootstrap + ": " + Main.message(e));
        }
        String topic = new TopicLayout(o.kafka().topicPrefix()).name(TopicLayout.HOSTSTATE);
        err.println("host-state diff-watch: reading " + topic + " as " + o.applicationId() + ", publishing "
                + "host.state_delta to it; Ctrl-C stops");
        return StreamsCommandLoop.run("host-state diff-watch", w.app(), () -> w.counters().line(),
                streams.reportSeconds, err);
    }

    private int refuse(String message) {
        services.err().println("ktstr4j host-state diff-watch: " + message);
        return ExitCodes.USAGE_OR_INFRA;
    }
}
