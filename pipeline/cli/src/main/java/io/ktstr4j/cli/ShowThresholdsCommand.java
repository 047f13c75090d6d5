package io.ktstr4j.cli;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ktstr4j show-thresholds SPEC}: the thresholds after the merge chain. */
@Command(name = "show-thresholds", mixinStandardHelpOptions = true,
        description = "Print the merged thresholds of a spec: defaults, then the scheduler's, then the test's "
                + "(the last value set wins).")
final class ShowThresholdsCommand implements Callable<Integer> {

    private final Services services;

    @Parameters(arity = "1", paramLabel = "SPEC", description = "Spec file (.json/.yaml) or canned scenario name.")
    String spec;

    @Option(names = "--debug-thresholds", description = "Use the looser debug defaults (spread 35%%, gap 3000 ms).")
    boolean debug;

    @Option(names = "--json", description = "Print JSON (the resolved_thresholds record).")
    boolean json;

    ShowThresholdsCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        TestSpec s = new SpecResolver(services.catalog()).resolve(spec);
        ThresholdMode mode = debug ? ThresholdMode.DEBUG : ThresholdMode.RELEASE;
        Thresholds t = Thresholds.of(s, mode);
        PrintStream out = services.out();
        if (json) {
            out.println(Json.write(t.values()));
            return ExitCodes.OK;
        }
        out.println("Thresholds for " + s.name() + " (" + mode.name().toLowerCase(java.util.Locale.ROOT)
                + " defaults, then scheduler, then test):");
        // Every threshold by its JSON name, in record order: a new threshold shows up without touching this.
        for (RecordComponent c : AssertThresholds.class.getRecordComponents()) {
            line(out, snake(c.getName()), c.getAccessor().invoke(t.values()));
        }
        line(out, "cleanup_budget_ms", t.cleanupBudgetMs());
        return ExitCodes.OK;
    }

    private static void line(PrintStream out, String name, Object value) {
        out.println(String.format("  %-32s %s", name, value == null ? "off" : value));
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
