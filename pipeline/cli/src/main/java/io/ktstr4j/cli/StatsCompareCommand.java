package io.ktstr4j.cli;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.stats.CompareEngine;
import io.ktstr4j.stats.CompareOptions;
import io.ktstr4j.stats.CompareReport;
import io.ktstr4j.stats.ComparisonPolicy;
import io.ktstr4j.stats.Correction;
import io.ktstr4j.stats.Metrics;
import io.ktstr4j.stats.PolicyFile;
import io.ktstr4j.stats.StatsInputException;
import io.ktstr4j.stats.TextReports;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.TrialFilter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stats compare}: side A against side B, per paired variant and metric. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare the results matching --a with those matching --b. The dimensions the two sides give "
                + "different values slice; the test name and the other dimensions pair results. A metric regresses "
                + "when its delta passes its absolute and relative gate in the worse direction and, where each side "
                + "has 3 trials or more, Welch's t-test finds it significant at --alpha after the --correction "
                + "across the variant's metrics.",
                "Dimensions: kernel, scheduler, topology, work_type, project_commit, kernel_commit, run_source, flags, "
                        + "run, backend, date (and test)."},
        footer = {"", "Exit codes: 0 no regression, 1 a regression, 2 bad input."})
final class StatsCompareCommand extends StatsPoolCommand {

    @Option(names = "--a", paramLabel = "DIM=VALUE", required = true, description = "Side A (repeatable).")
    List<String> a = new ArrayList<>();

    @Option(names = "--b", paramLabel = "DIM=VALUE", required = true, description = "Side B (repeatable).")
    List<String> b = new ArrayList<>();

    @Option(names = "--threshold", paramLabel = "PCT",
            description = "One relative gate for every metric, in percent (default: each metric's own).")
    Double threshold;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Relative gates from a JSON file {default_percent, per_metric_percent: {metric: pct}}.")
    Path policy;

    @Option(names = "--alpha", paramLabel = "P", defaultValue = "0.05",
            description = "Significance level of Welch's t-test and of the intervals (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--correction", paramLabel = "holm|bh", defaultValue = "holm",
            description = "Adjust the p-values of one variant's metrics: holm (family-wise) or bh "
                    + "(Benjamini-Hochberg, false discovery rate). Default: ${DEFAULT-VALUE}.")
    String correction;

    @Option(names = "--no-average", description = "Compare trial by trial (in time order) instead of the means.")
    boolean noAverage;

    StatsCompareCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() throws Exception {
        TrialFilter fa = TrialFilter.parse("--a", a);
        TrialFilter fb = TrialFilter.parse("--b", b);
        CompareOptions.Builder o = CompareOptions.builder().average(!noAverage).alpha(alpha)
                .correction(correction());
        if (threshold != null && policy != null) {
            throw new StatsInputException("--threshold and --policy: give one (the policy's default_percent is the "
                    + "threshold)");
        }
        if (threshold != null && !(threshold >= 0)) {
            throw new StatsInputException("--threshold " + threshold + ": expected a percent from 0 up");
        }
        ComparisonPolicy p = policy != null ? PolicyFile.read(policy)
                : threshold != null ? ComparisonPolicy.uniform(threshold) : ComparisonPolicy.DEFAULTS;
        CompareOptions options = o.policy(p).build();
        List<Trial> pool = pool();
        for (Map.Entry<String, Double> e : p.perMetricPercent().entrySet()) {
            Metrics.require(e.getKey(), pool, "--policy " + policy + ": per_metric_percent." + e.getKey());
        }
        CompareReport r = CompareEngine.compare(pool, fa, fb, options);
        out().print(json ? Json.writePretty(r) : TextReports.compare(r));
        return r.hasRegression() ? ExitCodes.FAILED : ExitCodes.OK;
    }

    private Correction correction() {
        return switch (correction.toLowerCase(Locale.ROOT)) {
            case "holm" -> Correction.HOLM;
            case "bh", "benjamini-hochberg" -> Correction.BH;
            default -> throw new StatsInputException("--correction " + correction + ": expected holm or bh");
        };
    }
}
