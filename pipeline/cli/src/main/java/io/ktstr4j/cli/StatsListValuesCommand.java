package io.ktstr4j.cli;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.stats.Listings;
import io.ktstr4j.stats.TextReports;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code stats list-values}: what {@code --a}/{@code --b} and the filters can name. */
@Command(name = "list-values", mixinStandardHelpOptions = true,
        description = "The values present per dimension (test, kernel, scheduler, ...), with how many results have "
                + "each: what --a, --b and the filters can name.")
final class StatsListValuesCommand extends StatsPoolCommand {

    StatsListValuesCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() throws Exception {
        Map<String, Map<String, Integer>> values = Listings.values(pool());
        if (json) {
            Map<String, List<String>> plain = new LinkedHashMap<>();
            values.forEach((k, v) -> plain.put(k, List.copyOf(v.keySet())));
            out().print(Json.writePretty(plain));
        } else {
            out().print(TextReports.values(values));
        }
        return ExitCodes.OK;
    }
}
