package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.stats.store.ResultsStore;
import io.ktstr4j.stats.store.StoreLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ktstr4j stats} end to end through picocli: a run writes the store, sidecar folders ingest, compare exits 1 on
 * a regression and 0 without, and every bad input is one line on stderr with exit 2.
 */
class StatsCliTest extends CliFixture {

    Path store;
    Path ktstrDir;

    @BeforeEach
    void paths() throws Exception {
        store = tmp.resolve("results.duckdb");
        storeLocation = new StoreLocation.DuckDbFile(store);
        // The hand-made ktstr sidecars of the stats module's tests (its test resources are on no class path here).
        ktstrDir = Path.of(System.getProperty("ktstr.projectRoot", "../.."))
                .resolve("pipeline/stats/src/test/resources/ktstr-sidecars");
    }

    int stats(String... args) {
        out.reset();
        err.reset();
        List<String> a = new ArrayList<>(List.of("stats"));
        a.addAll(Arrays.asList(args));
        return Main.execute(services(99_000, null), a.toArray(String[]::new));
    }

    int ingestKtstr() {
        return stats("ingest", ktstrDir.toString());
    }

    @Test
    void everyRunWritesItsResultsToTheStore() throws Exception {
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc,tiny-1llc", "--quiet");
        assertThat(code).isZero();
        assertThat(ResultsStore.at(storeLocation).count()).isEqualTo(2);
        assertThat(stats("list")).isZero();
        assertThat(out()).contains("run ").contains("1 run").containsPattern("\\s2\\s+2\\s+0\\s+0\\n");
    }

    @Test
    void aStoreThatCannotBeWrittenIsAWarningNotALostRun() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("file"), "x");
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--quiet", "--results-store", blocker.resolve("results.duckdb").toString());
        assertThat(code).isZero();
        assertThat(out()).startsWith("PASS [");
        assertThat(err()).contains("ktstr4j run: warning: results store " + blocker.resolve("results.duckdb"))
                .contains("not stored");
    }

    @Test
    void aResultsStoreThatCannotBeAStoreIsRefusedBeforeAnyVmBoots() {
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--results-store", tmp.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("--results-store " + tmp + ": a directory").doesNotContain(": booting");
        assertThat(out()).isEmpty();
    }

    @Test
    void ktstrSidecarsIngestOnceAndBadFilesAreNamed() {
        assertThat(ingestKtstr()).isZero();
        assertThat(out()).isEqualTo("ingested 6 new results, 0 already stored, 2 bad files skipped (8 sidecar files) "
                + "into " + store + "\n");
        assertThat(err()).contains("skipped ").contains("broken-00000000deadbeef.ktstr.json")
                .contains("truncated-00000000cafebabe.ktstr.json");
        assertThat(ingestKtstr()).isZero();
        assertThat(out()).startsWith("ingested 0 new results, 6 already stored, 2 bad files skipped");
    }

    @Test
    void compareExitsOneNamingTheRegressedMetricAndVariant() {
        ingestKtstr();
        int code = stats("compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_lavd");
        assertThat(code).as(err()).isEqualTo(1);
        assertThat(out()).contains("slicing: scheduler")
                .containsPattern("REGRESSION sched_basic_steady/\\S+: worst_spread 5.5 -> 12.5")
                .containsPattern("REGRESSION sched_basic_steady/\\S+: total_iterations")
                .contains("on one side only: max_dsq_depth (B)");
        assertThat(err()).isEmpty();

        assertThat(stats("compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_lavd", "--json")).isEqualTo(1);
        JsonNode j = Json.readTree(out(), "stdout");
        assertThat(j.get("regressions").asInt()).isEqualTo(2);
        assertThat(j.get("pairs").get(0).get("metrics").get(0).get("a").get("n").asInt()).isEqualTo(3);
    }

    @Test
    void compareWithoutARegressionExitsZero() {
        ingestKtstr();
        int code = stats("compare", "--a", "run=20261125T100000Z-1", "--b", "run=20261125T110000Z-1");
        assertThat(code).as(out() + err()).isZero();
        assertThat(out()).contains("0 regressions").contains("over 2 paired variants");
    }

    @Test
    void compareReadsSidecarFoldersWithDir() {
        int code = stats("compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_lavd", "--dir",
                ktstrDir.toString(), "--threshold", "1000");
        assertThat(code).as(err()).isZero(); // a 1000 % relative gate lets nothing through
        assertThat(err()).contains("skipped ").contains("broken-00000000deadbeef.ktstr.json");
    }

    @Test
    void historyPrintsOneRowPerRunAndDrawsAPng() throws Exception {
        ingestKtstr();
        Path png = tmp.resolve("plot/spread.png");
        assertThat(stats("history", "worst_spread", "scheduler=scx_lavd", "--plot", png.toString())).as(err())
                .isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines.get(0)).startsWith("date").contains("worst_spread");
        assertThat(lines.subList(1, 4)).extracting(l -> l.split("\\s+")[4]).containsExactly("12.5", "13", "12");
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertThat(head).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    }

    @Test
    void flakyListsAVariantOneCommitPassedAndFailed() {
        assertThat(Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--quiet")).isZero();
        assertThat(Main.execute(services(0, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--quiet")).isEqualTo(1);
        assertThat(stats("flaky")).isZero();
        assertThat(out()).contains("steady/").contains("PASS 1, FAIL 1").contains("1 flaky variant");
    }

    @Test
    void listMetricsAndValues() {
        assertThat(stats("list-metrics", "--json")).isZero(); // no store yet: the registry alone
        assertThat(Json.readTree(out(), "stdout").size()).isEqualTo(19);
        ingestKtstr();
        assertThat(stats("list-metrics")).isZero();
        assertThat(out()).contains("worst_spread").contains("lower better").contains("requests_per_sec")
                .contains("target 75");
        assertThat(stats("list-values", "--json")).isZero();
        JsonNode v = Json.readTree(out(), "stdout");
        assertThat(v.get("scheduler").toString()).isEqualTo("[\"eevdf\",\"scx_lavd\"]");
        assertThat(v.get("run").size()).isEqualTo(3);
    }

    /** The bad-input contract: exit 2, one line on stderr naming the problem, no stack trace, nothing on stdout. */
    String refused(String... args) {
        int code = stats(args);
        String e = err();
        assertThat(code).as("exit code; stderr: %s", e).isEqualTo(2);
        assertThat(e.lines().count()).as("one line: %s", e).isEqualTo(1);
        assertThat(e).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out()).isEmpty();
        return e;
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        assertThat(refused("compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_lavd"))
                .startsWith("ktstr4j stats compare: the pool is empty: the results store " + store);
        ingestKtstr();
        assertThat(refused("compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_nope"))
                .contains("--b scheduler=scx_nope matches no result");
        assertThat(refused("compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_lavd", "--b", "topology=9x"))
                .contains("--b scheduler=scx_lavd --b topology=9x matches no result");
        assertThat(refused("compare", "--a", "scheduler=eevdf", "--a", "run=20261125T100000Z-1",
                "--b", "scheduler=scx_lavd", "--b", "run=20261125T110000Z-1", "--b", "topology=1n2l4c1t",
                "--a", "topology=1n2l4c1t", "--a", "kernel_commit=abc", "--b", "kernel_commit=def"))
                .contains("matches no result");
        assertThat(refused("compare", "--a", "kernal=6.12", "--b", "scheduler=x"))
                .contains("--a kernal=6.12: unknown dimension 'kernal'");
        assertThat(refused("compare", "--a", "scheduler=eevdf", "--b", "scheduler=eevdf"))
                .contains("do not differ");
        Path policy = Files.writeString(tmp.resolve("policy.json"), "{\"default_percent\": 10, \"per_metric\": {}}");
        assertThat(refused("compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_lavd", "--policy",
                policy.toString())).contains("--policy " + policy + ": per_metric: unknown field");
        Files.writeString(policy, "{\"per_metric_percent\": {\"worst_spread\": \"ten\"}}");
        assertThat(refused("compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_lavd", "--policy",
                policy.toString())).contains("per_metric_percent.worst_spread: \"ten\" is not a percent");
        Files.writeString(policy, "{\"per_metric_percent\": {\"worst_sprad\": 5}}");
        assertThat(refused("compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_lavd", "--policy",
                policy.toString())).contains("per_metric_percent.worst_sprad: unknown metric 'worst_sprad'");
        assertThat(refused("compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_lavd", "--correction", "bonf"))
                .contains("--correction bonf: expected holm or bh");
        assertThat(refused("history", "worst_sprad")).contains("unknown metric 'worst_sprad'");
        assertThat(refused("history", "worst_spread", "scheduler=nope")).contains("filter scheduler=nope matches no");
        assertThat(refused("history", "worst_spread", "--plot", tmp.resolve("x.svg").toString()))
                .contains("only PNG");
        assertThat(refused("flaky", "kernel=1.0")).contains("filter kernel=1.0 matches no result");
        assertThat(refused("list", "--results-store", "none")).contains("--results-store none: this command needs");
        assertThat(refused("ingest", tmp.resolve("nothing").toString())).contains("nothing: no such directory");
        assertThat(refused("list", "--dir", tmp.toString())).contains("the pool is empty");
    }

    @Test
    void sidesThatPairNothingAreRefusedNamingThePairingDimensions() throws Exception {
        ingestKtstr();
        // Our own result: another test, so nothing of it pairs with the ktstr sidecars.
        Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(), "--quiet");
        assertThat(refused("compare", "--a", "test=sched_basic_steady", "--a", "scheduler=scx_lavd",
                "--b", "test=steady", "--b", "scheduler=eevdf"))
                .contains("the sides pair nothing").contains("kernel, topology");
    }
}
