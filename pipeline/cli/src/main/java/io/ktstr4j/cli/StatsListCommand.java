package io.ktstr4j.cli;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.stats.Listings;
import io.ktstr4j.stats.RunRow;
import io.ktstr4j.stats.TextReports;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code stats list}: the runs of the pool. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "The runs: id, date, host, kernel, commits, variants, pass/fail counts.")
final class StatsListCommand extends StatsPoolCommand {

    StatsListCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() throws Exception {
        List<RunRow> runs = Listings.runs(pool());
        out().print(json ? Json.writePretty(runs) : TextReports.runs(runs));
        return ExitCodes.OK;
    }
}
