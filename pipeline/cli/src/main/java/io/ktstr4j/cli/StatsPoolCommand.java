package io.ktstr4j.cli;

import io.ktstr4j.stats.Trial;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import picocli.CommandLine.Option;

/** A {@code stats} command that reads a pool (the store, or {@code --dir} folders) and can answer in JSON. */
abstract class StatsPoolCommand extends StatsSubcommand {

    @Option(names = "--dir", paramLabel = "DIR", description = "Sidecar folders instead of the store (repeatable).")
    List<Path> dirs;

    @Option(names = "--json", description = "JSON instead of text.")
    boolean json;

    StatsPoolCommand(Services services) {
        super(services);
    }

    /** The pool of {@code --dir} when given, else of the store. */
    protected List<Trial> pool() throws SQLException {
        return pool(dirs);
    }
}
