package io.ktstr4j.cli;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.stats.History;
import io.ktstr4j.stats.HistoryPlot;
import io.ktstr4j.stats.HistoryPoint;
import io.ktstr4j.stats.Metrics;
import io.ktstr4j.stats.TextReports;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.TrialFilter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stats history METRIC [DIM=VALUE…]}: the metric per run over time. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "A metric per run over time (date, run, project commit, kernel, mean over the run's passing "
                + "results, sd, n), over the results the filters select.")
final class StatsHistoryCommand extends StatsPoolCommand {

    @Parameters(index = "0", paramLabel = "METRIC", description = "A metric (stats list-metrics).")
    String metric;

    @Parameters(index = "1..*", paramLabel = "DIM=VALUE", description = "Filters, e.g. test=steady scheduler=eevdf.")
    List<String> filters = new ArrayList<>();

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw the history into a PNG file.")
    Path plot;

    StatsHistoryCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() throws Exception {
        TrialFilter f = TrialFilter.parse("filter", filters);
        List<Trial> pool = pool();
        List<HistoryPoint> points = History.of(pool, metric, f);
        if (plot != null) {
            try {
                HistoryPlot.write(plot, metric, Metrics.require(metric, pool, null).unit(), points);
            } catch (java.io.IOException e) {
                throw new io.ktstr4j.stats.StatsInputException("--plot " + plot + ": cannot write: " + e.getMessage());
            }
        }
        out().print(json ? Json.writePretty(points) : TextReports.history(metric, points));
        if (plot != null && !json) {
            out().println("plot: " + plot);
        }
        return ExitCodes.OK;
    }
}
