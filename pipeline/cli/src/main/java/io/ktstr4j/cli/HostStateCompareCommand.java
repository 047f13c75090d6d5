package io.ktstr4j.cli;

import io.ktstr4j.cli.kafka.KafkaClientOptions;
import io.ktstr4j.hoststate.CaptureFileException;
import io.ktstr4j.hoststate.CaptureFiles;
import io.ktstr4j.hoststate.CaptureRef;
import io.ktstr4j.hoststate.compare.CaptureComparison;
import io.ktstr4j.hoststate.compare.CompareOptions;
import io.ktstr4j.hoststate.compare.Comparison;
import io.ktstr4j.hoststate.compare.ComparisonJson;
import io.ktstr4j.hoststate.compare.ComparisonText;
import io.ktstr4j.hoststate.compare.GroupBy;
import io.ktstr4j.hoststate.compare.SortBy;
import io.ktstr4j.hoststate.kafka.CaptureLookup;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.sink.kafka.KafkaUnavailableException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code host-state compare A B}: two captures (files or references), grouped and compared as ktstr compares them,
 * sorted by absolute delta. A file that is not a capture, or a reference that finds none, is one line and exit 2.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare capture A (baseline) with capture B (candidate): threads grouped by pcomm, cgroup "
                + "or comm, each metric aggregated as ktstr does (sums, nice range, policy mode, affinity summary), "
                + "deltas and percent deltas sorted by absolute delta, groups only on one side listed. A reading that "
                + "could not be taken shows as 'missing', never as 0.",
                "A and B: a .hst.zst file (ktstr's or ours); run:<run_id>:before|after (a run's captures: with "
                        + "--kafka from PREFIX.hoststate, else from --dir); host:<name>@<ISO time>|latest (with "
                        + "--kafka: that host's latest capture taken at or before the time)."},
        footer = {"", "Exit codes: 0 compared, 2 bad input (not a capture, truncated, unknown version, not found)."})
final class HostStateCompareCommand implements Callable<Integer> {

    private final Services services;

    @Parameters(index = "0", paramLabel = "A", description = "The baseline capture.")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "The candidate capture.")
    String b;

    @Option(names = "--group-by", paramLabel = "pcomm|cgroup|comm", defaultValue = "pcomm",
            description = "How threads are grouped (default: ${DEFAULT-VALUE}).")
    String groupBy;

    @Option(names = "--cgroup-flatten", paramLabel = "GLOB",
            description = "With --group-by cgroup: a cgroup path matching GLOB is grouped as GLOB ('*' also "
                    + "matches '/'; repeatable; the first match wins).")
    List<String> flatten = new ArrayList<>();

    @Option(names = "--sort-by", paramLabel = "delta|percent", defaultValue = "delta",
            description = "Row order: absolute delta (default) or absolute percent delta as ktstr sorts.")
    String sort;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "Rows shown (0: all; default: ${DEFAULT-VALUE}); --json has them all.")
    int limit;

    @Option(names = "--json", description = "One JSON document on stdout instead of the table.")
    boolean json;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Where run:… references are looked up without --kafka (default: the run's default, "
                    + "$KTSTR4J_CACHE_DIR/host-state; a run with --out DIR put them in DIR/host-state).")
    Path dir;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    HostStateCompareCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        try {
            if (limit < 0) {
                throw new IllegalArgumentException("--limit " + limit + ": expected 0 or more rows");
            }
            CompareOptions o = CompareOptions.DEFAULTS.withGroupBy(GroupBy.of(groupBy)).withCgroupFlatten(flatten)
                    .withSortBy(SortBy.of(sort));
            if (!flatten.isEmpty() && o.groupBy() != GroupBy.CGROUP) {
                throw new IllegalArgumentException("--cgroup-flatten only acts with --group-by cgroup (it groups "
                        + "cgroup paths)");
            }
            HostStateSnapshot base = load("A", a);
            HostStateSnapshot cand = load("B", b);
            Comparison c = CaptureComparison.compare(base, cand, o);
            services.out().print(json ? ComparisonJson.of(c).write() + "\n"
                    : ComparisonText.render(c, a, b, limit == 0 ? ComparisonText.ALL : limit));
            return ExitCodes.OK;
        } catch (IllegalArgumentException e) {
            services.err().println("ktstr4j host-state compare: " + e.getMessage());
            return ExitCodes.USAGE_OR_INFRA;
        } catch (KafkaUnavailableException e) {
            services.err().println("ktstr4j host-state compare: --kafka " + kafka.bootstrap + ": " + Main.message(e));
            return ExitCodes.USAGE_OR_INFRA;
        }
    }

    /** A capture from a file or a reference; errors name the argument. */
    private HostStateSnapshot load(String what, String arg) {
        CaptureRef ref = CaptureRef.parse(what, arg);
        if (ref instanceof CaptureRef.File f) {
            return CaptureFiles.read(f.path());
        }
        if (!kafka.enabled()) {
            if (ref instanceof CaptureRef.Run r) {
                Path folder = dir != null ? dir : services.hostStateDir();
                Path file = folder.resolve(r.fileName());
                try {
                    return CaptureFiles.read(file);
                } catch (CaptureFileException e) {
                    throw new IllegalArgumentException(what + ": " + arg + ": " + e.getMessage()
                            + " (a run's captures are in --dir, or on Kafka with --kafka)");
                }
            }
            throw new IllegalArgumentException(what + ": " + arg + ": a host reference is looked up on Kafka: give "
                    + "--kafka HOST:PORT");
        }
        return CaptureLookup.find(kafka.runningCluster(), ref).orElseThrow(() -> new IllegalArgumentException(what
                + ": " + arg + ": no such capture on " + kafka.topicPrefix + ".hoststate at " + kafka.bootstrap));
    }
}
