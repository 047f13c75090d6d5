package io.ktstr4j.cli;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.stats.CompareEngine;
import io.ktstr4j.stats.CompareOptions;
import io.ktstr4j.stats.CompareReport;
import io.ktstr4j.stats.TextReports;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.TrialFilter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    GateOptions gates = new GateOptions();

    @Option(names = "--no-average", description = "Compare trial by trial (in time order) instead of the means.")
    boolean noAverage;

    StatsCompareCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() throws Exception {
        TrialFilter fa = TrialFilter.parse("--a", a);
        TrialFilter fb = TrialFilter.parse("--b", b);
        List<Trial> pool = pool();
        CompareOptions options = gates.options(pool).toBuilder().average(!noAverage).build();
        CompareReport r = CompareEngine.compare(pool, fa, fb, options);
        out().print(json ? Json.writePretty(r) : TextReports.compare(r));
        return r.hasRegression() ? ExitCodes.FAILED : ExitCodes.OK;
    }
}
