package io.ktstr4j.cli;

import io.ktstr4j.schemas.SchemaException;
import io.ktstr4j.stats.StatsInputException;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.Trials;
import io.ktstr4j.stats.store.ResultsStore;
import io.ktstr4j.stats.store.SidecarFolders;
import io.ktstr4j.stats.store.StoreLocation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What every {@code stats} command shares: the store option, reading the pool (the store, or {@code --dir} sidecar
 * folders), and bad input as one line naming the problem with exit 2, never a stack trace.
 */
@Command(sortOptions = false)
abstract class StatsSubcommand implements Callable<Integer> {

    protected final Services services;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--results-store", paramLabel = "PATH|JDBC-URL",
            description = "The results store (default: $KTSTR4J_CACHE_DIR/results.duckdb, else "
                    + "~/.cache/ktstr4j/results.duckdb; a JDBC URL such as jdbc:postgresql://HOST/DB?user=U).")
    String resultsStore;

    protected StatsSubcommand(Services services) {
        this.services = services;
    }

    /** The command's work; a {@link StatsInputException} is bad input. */
    protected abstract int execute() throws Exception;

    /** The command's name in messages, {@code ktstr4j stats compare}. */
    protected String name() {
        return spec.qualifiedName();
    }

    @Override
    public final Integer call() throws Exception {
        try {
            return execute();
        } catch (StatsInputException | SchemaException e) {
            return refuse(e.getMessage());
        } catch (SQLException e) {
            return refuse("results store " + location().describe() + ": " + firstLine(e.getMessage()));
        }
    }

    private int refuse(String message) {
        return refuse(services, name(), message);
    }

    /** Bad input or an unusable store: one line on stderr, {@code command: problem}, exit 2. */
    static int refuse(Services services, String command, String message) {
        services.err().println(command + ": " + firstLine(message));
        return ExitCodes.USAGE_OR_INFRA;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "failed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    protected PrintStream out() {
        return services.out();
    }

    /** {@code --results-store}, else the default. */
    protected StoreLocation location() {
        try {
            return resultsStore == null ? services.resultsStore() : StoreLocation.parse(resultsStore);
        } catch (IllegalArgumentException e) {
            throw new StatsInputException(e.getMessage(), e);
        }
    }

    /** The store; {@code none} is refused, since a stats command needs one. */
    protected ResultsStore store() {
        StoreLocation l = location();
        if (l instanceof StoreLocation.None) {
            throw new StatsInputException("--results-store none: this command needs a store (or --dir DIR where it "
                    + "takes one)");
        }
        return ResultsStore.at(l);
    }

    /**
     * The pool: every sidecar below {@code dirs} when given (bad files reported on stderr and skipped), else every
     * trial of the store. An empty pool is refused naming where it was looked for.
     */
    protected List<Trial> pool(List<Path> dirs) throws SQLException {
        if (dirs != null && !dirs.isEmpty()) {
            SidecarFolders.Loaded loaded = SidecarFolders.read(dirs);
            loaded.bad().forEach(b -> services.err().println(name() + ": skipped " + b));
            if (loaded.results().isEmpty()) {
                throw new StatsInputException("--dir " + dirs + ": the pool is empty: no readable sidecar ("
                        + "*.ktstr.json) below it (" + loaded.bad().size() + " bad)");
            }
            List<Trial> out = new ArrayList<>();
            loaded.results().forEach(r -> out.add(Trials.of(r)));
            return out;
        }
        ResultsStore s = store();
        List<Trial> trials = s.trials(true);
        if (trials.isEmpty()) {
            throw new StatsInputException("the pool is empty: the results store " + s.location().describe()
                    + " has no results (ktstr4j run writes there; stats ingest DIR adds sidecar folders)");
        }
        return trials;
    }
}
