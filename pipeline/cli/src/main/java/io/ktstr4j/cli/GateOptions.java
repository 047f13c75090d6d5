package io.ktstr4j.cli;

import io.ktstr4j.stats.CompareOptions;
import io.ktstr4j.stats.ComparisonPolicy;
import io.ktstr4j.stats.Correction;
import io.ktstr4j.stats.Metrics;
import io.ktstr4j.stats.PolicyFile;
import io.ktstr4j.stats.StatsInputException;
import io.ktstr4j.stats.Trial;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * How a regression is judged: the relative gates ({@code --threshold} or {@code --policy}), Welch's alpha and the
 * correction across a variant's metrics: {@code stats compare} and {@code stats watch} take them as a mixin.
 */
final class GateOptions {

    @Option(names = "--threshold", paramLabel = "PCT",
            description = "One relative gate for every metric, in percent (default: each metric's own).")
    Double threshold;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Relative gates from a JSON file {default_percent, per_metric_percent: {metric: pct}} "
                    + "(registry metrics).")
    Path policy;

    @Option(names = "--alpha", paramLabel = "P", defaultValue = "0.05",
            description = "Significance level of Welch's t-test where both sides have 3 results or more "
                    + "(default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--correction", paramLabel = "holm|bh", defaultValue = "holm",
            description = "Adjust the p-values of every tested metric of the comparison, one family: holm or bh (default: ${DEFAULT-VALUE}).")
    String correction;

    /**
     * The engine's options; bad values are a {@link StatsInputException} naming the option. The policy's metrics
     * must be known to the registry or to {@code pool}'s payloads ({@code stats watch} has no pool yet: the registry).
     */
    CompareOptions options(List<Trial> pool) {
        if (threshold != null && policy != null) {
            throw new StatsInputException("--threshold and --policy: give one (the policy's default_percent is the "
                    + "threshold)");
        }
        if (threshold != null && !(threshold >= 0)) {
            throw new StatsInputException("--threshold " + threshold + ": expected a percent from 0 up");
        }
        ComparisonPolicy p = policy != null ? PolicyFile.read(policy)
                : threshold != null ? ComparisonPolicy.uniform(threshold) : ComparisonPolicy.DEFAULTS;
        p.perMetricPercent().keySet().forEach(m -> Metrics.require(m, pool,
                "--policy " + policy + ": per_metric_percent." + m));
        Correction c = switch (correction.toLowerCase(Locale.ROOT)) {
            case "holm" -> Correction.HOLM;
            case "bh", "benjamini-hochberg" -> Correction.BH;
            default -> throw new StatsInputException("--correction " + correction + ": expected holm or bh");
        };
        return CompareOptions.builder().policy(p).alpha(alpha).correction(c).build();
    }
}
