package io.ktstr4j.cli;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.metric.MetricDef;
import io.ktstr4j.schemas.metric.MetricRegistry;
import io.ktstr4j.stats.Metrics;
import io.ktstr4j.stats.TextReports;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.store.StoreLocation;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code stats list-metrics}: the registry, and the payload metrics of the pool. */
@Command(name = "list-metrics", mixinStandardHelpOptions = true,
        description = "The comparable metrics: ktstr's registry (polarity, absolute and relative gate, where it is "
                + "read), then the payload metrics the pool's results report.")
final class StatsListMetricsCommand extends StatsPoolCommand {

    StatsListMetricsCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() throws Exception {
        // The registry needs no pool: without a store (none, or not created yet) it is listed alone.
        List<Trial> pool = dirs != null && !dirs.isEmpty() ? pool()
                : location() instanceof StoreLocation.None ? List.of() : store().trials(true);
        List<MetricDef> defs = pool.isEmpty() ? MetricRegistry.registry() : Metrics.known(pool);
        out().print(json ? Json.writePretty(defs) : TextReports.metrics(defs));
        return ExitCodes.OK;
    }
}
