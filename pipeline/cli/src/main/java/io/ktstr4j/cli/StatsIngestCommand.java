package io.ktstr4j.cli;

import io.ktstr4j.cli.kafka.KafkaClientOptions;
import io.ktstr4j.regressions.TopicIngest;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.KafkaUnavailableException;
import io.ktstr4j.stats.StatsInputException;
import io.ktstr4j.stats.store.IngestResult;
import io.ktstr4j.stats.store.ResultsStore;
import io.ktstr4j.stats.store.SidecarFolders;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stats ingest DIR…}: every {@code *.ktstr.json} below the folders into the store, each result once;
 * {@code stats ingest --kafka HOST:PORT}: the results topic from where the group's last ingest stopped.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Store the sidecars (*.ktstr.json, ours and ktstr's) below each DIR; a result already stored "
                + "is not stored again, a file that is not a sidecar is named and skipped.",
                "With --kafka instead: the results topic, from where the --group's last ingest stopped to its end "
                        + "at the start; a record that is not ktstr4j's is named and skipped."})
final class StatsIngestCommand extends StatsSubcommand {
    /** Results per store write when ingesting folders. */
    static final int INGEST_CHUNK = 200;


    @Parameters(arity = "0..*", paramLabel = "DIR", description = "Sidecar folders, searched recursively.")
    List<Path> dirs;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "With --kafka: the consumer group keeping how far ingests got (default: "
                    + "PREFIX-stats-ingest; one per store).")
    String group;

    StatsIngestCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() throws Exception {
        boolean fromKafka = kafka.enabled();
        if (fromKafka == (dirs != null && !dirs.isEmpty())) {
            throw new StatsInputException(fromKafka ? "give sidecar folders (DIR...) or --kafka, not both"
                    : "nothing to ingest: give sidecar folders (DIR...) or --kafka HOST:PORT");
        }
        return fromKafka ? fromKafka() : fromFolders();
    }

    private int fromKafka() throws Exception {
        KafkaSinkConfig cluster;
        try {
            cluster = kafka.runningCluster();
        } catch (IllegalArgumentException e) {
            throw new StatsInputException(e.getMessage(), e);
        }
        ResultsStore store = store();
        String g = group != null ? group : TopicIngest.defaultGroup(cluster.topicPrefix());
        TopicIngest.Summary s;
        try {
            s = TopicIngest.run(cluster, g, store);
        } catch (KafkaUnavailableException e) {
            throw new StatsInputException("--kafka " + cluster.bootstrap() + ": " + Main.message(e), e);
        }
        out().println(s.line(store.location().describe()));
        return ExitCodes.OK;
    }

    private int fromFolders() throws Exception {
        ResultsStore store = store();
        SidecarFolders.Loaded loaded = SidecarFolders.read(dirs);
        loaded.bad().forEach(b -> services.err().println("ktstr4j stats ingest: skipped " + b));
        if (loaded.files() == 0) {
            throw new StatsInputException(String.join(", ", dirs.stream().map(Path::toString).toList())
                    + ": no sidecar (*.ktstr.json) found");
        }
        // A chunk per write: the DuckDB file changes hands between chunks, so a run storing its results meanwhile
        // waits milliseconds, not the whole ingest
        int stored = 0;
        int duplicates = 0;
        List<io.ktstr4j.schemas.sidecar.SidecarResult> all = loaded.results();
        for (int i = 0; i < all.size(); i += INGEST_CHUNK) {
            IngestResult part = store.ingest(all.subList(i, Math.min(all.size(), i + INGEST_CHUNK)));
            stored += part.stored();
            duplicates += part.duplicates();
        }
        IngestResult r = new IngestResult(stored, duplicates);
        out().printf("ingested %d new result%s, %d already stored, %d bad file%s skipped (%d sidecar files) into %s%n",
                r.stored(), r.stored() == 1 ? "" : "s", r.duplicates(), loaded.bad().size(),
                loaded.bad().size() == 1 ? "" : "s", loaded.files(), store.location().describe());
        return loaded.results().isEmpty() ? ExitCodes.USAGE_OR_INFRA : ExitCodes.OK;
    }
}
