package io.ktstr4j.cli;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.stats.Listings;
import io.ktstr4j.stats.RunRow;
import io.ktstr4j.stats.TextReports;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stats list}: the runs of the pool. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "The runs: id, date, host, kernel, commits, variants, pass/fail counts.")
final class StatsListCommand extends StatsSubcommand {

    @Option(names = "--dir", paramLabel = "DIR", description = "Sidecar folders instead of the store (repeatable).")
    List<Path> dirs;

    @Option(names = "--json", description = "One JSON array instead of a table.")
    boolean json;

    StatsListCommand(Services services) {
        super(services);
    }

    @Override
    protected String name() {
        return "stats list";
    }

    @Override
    protected int execute() throws Exception {
        List<RunRow> runs = Listings.runs(pool(dirs));
        out().print(json ? Json.writePretty(runs) : TextReports.runs(runs));
        return ExitCodes.OK;
    }
}
