package io.ktstr4j.cli;

import io.ktstr4j.stats.StatsInputException;
import io.ktstr4j.stats.store.IngestResult;
import io.ktstr4j.stats.store.ResultsStore;
import io.ktstr4j.stats.store.SidecarFolders;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stats ingest DIR…}: every {@code *.ktstr.json} below the folders into the store, each result once. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Store the sidecars (*.ktstr.json, ours and ktstr's) below each DIR; a result already stored "
                + "is not stored again, a file that is not a sidecar is named and skipped.")
final class StatsIngestCommand extends StatsSubcommand {

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Sidecar folders, searched recursively.")
    List<Path> dirs;

    StatsIngestCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() throws Exception {
        ResultsStore store = store();
        SidecarFolders.Loaded loaded = SidecarFolders.read(dirs);
        loaded.bad().forEach(b -> services.err().println("ktstr4j stats ingest: skipped " + b));
        if (loaded.files() == 0) {
            throw new StatsInputException(String.join(", ", dirs.stream().map(Path::toString).toList())
                    + ": no sidecar (*.ktstr.json) found");
        }
        IngestResult r = store.ingest(loaded.results());
        out().printf("ingested %d new result%s, %d already stored, %d bad file%s skipped (%d sidecar files) into %s%n",
                r.stored(), r.stored() == 1 ? "" : "s", r.duplicates(), loaded.bad().size(),
                loaded.bad().size() == 1 ? "" : "s", loaded.files(), store.location().describe());
        return loaded.results().isEmpty() ? ExitCodes.USAGE_OR_INFRA : ExitCodes.OK;
    }
}
