package io.ktstr4j.cli;

import io.ktstr4j.pipeline.ScenarioCatalog;
import io.ktstr4j.schemas.topology.TopologyPreset;
import io.ktstr4j.schemas.topology.TopologyPresets;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ktstr4j list}: canned scenarios and topology presets. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the canned scenarios and the topology presets.")
final class ListCommand implements Callable<Integer> {

    private final Services services;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    ListCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        PrintStream out = services.out();
        ScenarioCatalog catalog = services.catalog();
        if (json) {
            StringBuilder sb = new StringBuilder("{\"scenarios\":[");
            boolean first = true;
            for (String n : catalog.names()) {
                sb.append(first ? "" : ",").append('"').append(n).append('"');
                first = false;
            }
            sb.append("],\"presets\":[");
            first = true;
            for (TopologyPreset p : TopologyPresets.all()) {
                sb.append(first ? "" : ",").append(String.format(java.util.Locale.ROOT,
                        "{\"name\":\"%s\",\"topology\":\"%s\",\"cpus\":%d,\"llcs\":%d,\"numa_nodes\":%d}",
                        p.name(), p.label(), p.topology().totalCpus(), p.topology().llcs(), p.topology().numaNodes()));
                first = false;
            }
            out.println(sb.append("]}"));
            return ExitCodes.OK;
        }
        out.println("Canned scenarios:");
        if (catalog.names().isEmpty()) {
            out.println("  (none available: the scenario library is not on the class path)");
        }
        for (String n : catalog.names()) {
            String d = catalog.describe(n);
            out.println(d.isBlank() ? "  " + n : String.format("  %-22s %s", n, d));
        }
        out.println();
        out.println("Topology presets:");
        out.println(String.format("  %-20s %-10s %5s %5s %5s", "name", "topology", "cpus", "llcs", "numa"));
        for (TopologyPreset p : TopologyPresets.all()) {
            out.println(String.format("  %-20s %-10s %5d %5d %5d", p.name(), p.label(), p.topology().totalCpus(),
                    p.topology().llcs(), p.topology().numaNodes()));
        }
        return ExitCodes.OK;
    }
}
