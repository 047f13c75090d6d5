package io.ktstr4j.cli;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.stats.Flaky;
import io.ktstr4j.stats.FlakyVariant;
import io.ktstr4j.stats.TextReports;
import io.ktstr4j.stats.TrialFilter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stats flaky [DIM=VALUE…]}: variants one commit gave two conclusions. */
@Command(name = "flaky", mixinStandardHelpOptions = true,
        description = "Variants whose outcome differs across the results of one project commit and kernel "
                + "(skips do not count), with the count of each outcome.")
final class StatsFlakyCommand extends StatsPoolCommand {

    @Parameters(arity = "0..*", paramLabel = "DIM=VALUE", description = "Filters, e.g. scheduler=scx_simple.")
    List<String> filters = new ArrayList<>();

    StatsFlakyCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() throws Exception {
        List<FlakyVariant> flaky = Flaky.of(pool(), TrialFilter.parse("filter", filters));
        out().print(json ? Json.writePretty(flaky) : TextReports.flaky(flaky));
        return ExitCodes.OK;
    }
}
