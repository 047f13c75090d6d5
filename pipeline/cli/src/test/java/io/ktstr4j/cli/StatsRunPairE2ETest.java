package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.pipeline.Defaults;
import io.ktstr4j.schemas.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's real run pair, on the QEMU backend with the shared sched_ext kernel: a spec that runs scx_simple judged
 * against eevdf ({@code relative_to}) twice, every result stored; {@code stats compare} between the two schedulers
 * prints the per-metric table from the store; a run of the same test made deliberately worse (four times the
 * spinners on the same CPUs) makes {@code stats compare} against the good runs exit 1, naming the metric and the
 * variant. Seven VMs of 1 s scenarios.
 */
@Tag("e2e")
class StatsRunPairE2ETest {

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new Services(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), args);
        Result r = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("[stats-e2e] ktstr4j " + String.join(" ", args) + " -> exit " + code + "\n" + r.out());
        return r;
    }

    @Test
    void aRunPairComparesBySchedulerAndAWorseRunIsARegression() throws Exception {
        Path kernel = kernel();
        String store = tmp.resolve("results.duckdb").toString();
        Path good = pairSpec();
        // the same test (same pairing: name, topology, scheduler, work type): 16 spinners where there were 4
        Path worse = Files.writeString(tmp.resolve("pair-worse.json"), """
                {"name": "pair", "duration_ms": 1000,
                 "scheduler": {"kind": "path", "binary": "scx_simple"},
                 "plan": {"name": "crowded", "steps": [{"setup": [{"name": "cg_0", "workers": 8},
                                                                  {"name": "cg_1", "workers": 8}],
                                                       "hold": {"kind": "frac", "frac": 1.0}}]}}
                """);
        // --no-host-state: these runs are about the results; their captures would land in the user's cache.
        String[] common = {"--topology", "tiny-2llc", "--kernel", kernel.toString(), "--backend", "qemu",
                "--results-store", store, "--no-host-state"};
        for (int trial = 0; trial < 3; trial++) { // 3: enough for Welch's t-test on each side
            Result r = cli(concat(new String[] {"run", good.toString()}, common));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("pair/tiny-2llc/eevdf", "pair/tiny-2llc/scx_simple");
        }

        Result bySched = cli("stats", "compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_simple",
                "--results-store", store);
        assertThat(bySched.code()).as(bySched.err()).isIn(0, 1); // whichever the real schedulers gave; 2 is bad input
        assertThat(bySched.out()).contains("total_iterations", "worst_mean_run_delay_us", "pair");

        List<String> goodRuns = runIds(store);
        assertThat(goodRuns).hasSize(3);
        Result w = cli(concat(new String[] {"run", worse.toString()}, common));
        assertThat(w.code()).as(w.out() + w.err()).isZero();
        List<String> all = runIds(store);
        String worseRun = all.stream().filter(id -> !goodRuns.contains(id)).findFirst().orElseThrow();

        Result cmp = cli("stats", "compare", "--a", "run=" + goodRuns.get(0), "--a", "run=" + goodRuns.get(1),
                "--a", "run=" + goodRuns.get(2), "--b", "run=" + worseRun, "--results-store", store);
        assertThat(cmp.code()).as(cmp.out() + cmp.err()).isEqualTo(1);
        // waiting for a CPU four times as often: the mean run delay regresses, on the scx_simple variant
        assertThat(cmp.out()).containsPattern("(?m)^REGRESSION pair/[^ ]*/scx_simple/[^ ]*: worst_mean_run_delay_us ");
        // A 3-trial side against the 3-trial side judged between schedulers above had a t-test per metric
        assertThat(bySched.out()).containsPattern("(?m)^pair +A: 3 trials.*B: 3 trials");
    }

    /**
     * The whole pair (full tier, about 24 VMs): the gauntlet on tiny-2llc and smt-2llc, eevdf and scx_simple,
     * 3 trials, run twice; the rerun of the unchanged spec is no regression, and the scheduler comparison pairs both
     * topologies.
     */
    @Test
    @Tag("full")
    void aRerunOfTheUnchangedGauntletIsNoRegression() throws Exception {
        Path kernel = kernel();
        String store = tmp.resolve("results.duckdb").toString();
        Path spec = pairSpec();
        String[] run = {"run", spec.toString(), "--topology", "tiny-2llc,smt-2llc", "--kernel", kernel.toString(),
                "--backend", "qemu", "--results-store", store, "--no-host-state"};
        for (int i = 0; i < 6; i++) {
            Result r = cli(run);
            assertThat(r.code()).as(r.err()).isZero();
        }
        List<String> runs = runIds(store);
        assertThat(runs).hasSize(6);
        Result bySched = cli("stats", "compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_simple",
                "--results-store", store);
        assertThat(bySched.code()).as(bySched.err()).isIn(0, 1);
        assertThat(bySched.out()).contains("over 2 paired variants");
        Result rerun = cli("stats", "compare", "--a", "run=" + runs.get(0), "--a", "run=" + runs.get(1),
                "--a", "run=" + runs.get(2), "--b", "run=" + runs.get(3), "--b", "run=" + runs.get(4),
                "--b", "run=" + runs.get(5), "--results-store", store);
        assertThat(rerun.code()).as(rerun.out()).isZero();
        assertThat(rerun.out()).contains("over 4 paired variants");
    }

    /** The shared sched_ext kernel with its scx_simple, else the test is skipped. */
    private static Path kernel() {
        Path kernel = Defaults.kernel().orElse(null);
        Assumptions.assumeTrue(kernel != null && Files.isRegularFile(kernel.resolveSibling("scx/scx_simple")),
                "needs the shared sched_ext kernel and its scx_simple (set KTSTR4J_KERNEL)");
        return kernel;
    }

    /** The spec of the pair: scx_simple on the steady scenario, judged against eevdf (loose, always met). */
    private Path pairSpec() throws java.io.IOException {
        return Files.writeString(tmp.resolve("pair.json"), """
                {"name": "pair", "scenario": "steady", "duration_ms": 1000,
                 "scheduler": {"kind": "path", "binary": "scx_simple"},
                 "relative_to": {"scheduler": "eevdf", "min_ratio": {"total_iterations": 0.05}}}
                """);
    }

    private List<String> runIds(String store) {
        Result r = cli("stats", "list", "--json", "--results-store", store);
        assertThat(r.code()).as(r.err()).isZero();
        List<String> ids = new ArrayList<>();
        for (JsonNode n : Json.read(r.out(), JsonNode.class)) {
            ids.add(n.get("run_id").asText());
        }
        return ids;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
