package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bad input to {@code stats watch} and {@code stats ingest --kafka}: one line naming the option, exit 2, no stack
 * trace, before any Kafka client is made (no broker here; the commands against one are in CliWatchKafkaTest).
 */
class StatsWatchCliTest extends CliFixture {

    int stats(String... args) {
        out.reset();
        err.reset();
        List<String> a = new ArrayList<>(List.of("stats"));
        a.addAll(Arrays.asList(args));
        return Main.execute(services(99_000, null), a.toArray(String[]::new));
    }

    void refusedWithOneLine(String contains) {
        assertThat(err().lines().toList()).as(err()).hasSize(1);
        assertThat(err()).startsWith("ktstr4j stats ").contains(contains).doesNotContain("Exception", "\tat ");
    }

    @Test
    void watchRefusesMissingOrBadOptionsInOneLine() {
        assertThat(stats("watch", "--baseline", "run_source=ci")).isEqualTo(2);
        refusedWithOneLine("--kafka HOST:PORT is required");
        assertThat(stats("watch", "--kafka", "embedded", "--baseline", "run_source=ci")).isEqualTo(2);
        refusedWithOneLine("ktstr4j kafka start prints it");
        assertThat(stats("watch", "--kafka", "nohostport", "--baseline", "run_source=ci")).isEqualTo(2);
        refusedWithOneLine("--kafka: kafka bootstrap entry 'nohostport' is not host:port");
        assertThat(stats("watch", "--kafka", "127.0.0.1:9", "--baseline", "colour=blue")).isEqualTo(2);
        refusedWithOneLine("--baseline colour=blue: unknown dimension 'colour'");
        assertThat(stats("watch", "--kafka", "127.0.0.1:9", "--baseline", "run_source=ci", "--baseline-window",
                "0")).isEqualTo(2);
        refusedWithOneLine("--baseline-window: expected 1 or more results, got 0");
        assertThat(stats("watch", "--kafka", "127.0.0.1:9", "--baseline", "run_source=ci", "--threshold", "5",
                "--policy", "p.json")).isEqualTo(2);
        refusedWithOneLine("--threshold and --policy: give one");
        assertThat(stats("watch", "--kafka", "127.0.0.1:9", "--baseline", "run_source=ci", "--correction",
                "bonferroni")).isEqualTo(2);
        refusedWithOneLine("--correction bonferroni: expected holm or bh");
    }

    @Test
    void watchWithoutABaselineIsAUsageError() {
        assertThat(stats("watch", "--kafka", "127.0.0.1:9")).isEqualTo(2);
        assertThat(err()).contains("Missing required option: '--baseline=DIM=VALUE'");
    }

    @Test
    void ingestTakesFoldersOrKafkaNotBothNorNeither() {
        assertThat(stats("ingest")).isEqualTo(2);
        refusedWithOneLine("nothing to ingest: give sidecar folders (DIR...) or --kafka HOST:PORT");
        assertThat(stats("ingest", tmp.toString(), "--kafka", "127.0.0.1:9")).isEqualTo(2);
        refusedWithOneLine("give sidecar folders (DIR...) or --kafka, not both");
        assertThat(stats("ingest", "--kafka", "embedded", "--results-store", tmp.resolve("s.duckdb").toString()))
                .isEqualTo(2);
        refusedWithOneLine("--kafka embedded only lives for one run");
    }
}
