package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.FakeVm;
import io.ktstr4j.pipeline.MonitorSource;
import io.ktstr4j.pipeline.ScenarioCatalog;
import io.ktstr4j.pipeline.VariantRunner;
import io.ktstr4j.pipeline.VariantHash;
import io.ktstr4j.pipeline.VariantRunnerTest;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.vmm.VmConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest extends CliFixture {

    @Test
    void passingRunPrintsOneLinePerVariantWritesSidecarAndExitsZero() throws Exception {
        Path dir = tmp.resolve("out");
        // --jobs 1 --host-cpus 8: one at a time, in plan order, never overcommitted
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc,tiny-1llc", "--out", dir.toString(), "--project-dir", tmp.toString(),
                "--quiet", "--jobs", "1", "--host-cpus", "8");
        assertThat(code).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("PASS \\[ *\\d+\\.\\d\\ds\\] steady/tiny-2llc/eevdf");
        assertThat(lines.get(1)).endsWith("steady/tiny-1llc/eevdf");
        // ktstr's layout: {kernel}-{project_commit}/<test>-<variant hash>.ktstr.json; neither is known here
        List<SidecarResult> sidecars = sidecars(dir.resolve("unknown-unknown"));
        assertThat(sidecars).extracting(SidecarResult::topology).containsExactlyInAnyOrder("1n2l2c1t", "1n1l4c1t");
        SidecarResult s = sidecars.stream().filter(x -> x.topology().equals("1n2l2c1t")).findFirst().orElseThrow();
        assertThat(s.passed()).isTrue();
        assertThat(s.outcome()).isEqualTo(Outcome.PASS);
        assertThat(s.variantHash()).isEqualTo(VariantHash.hex(VariantHash.of(s)));
        assertThat(Files.exists(dir.resolve("unknown-unknown/steady-" + s.variantHash() + ".ktstr.json"))).isTrue();
        assertThat(err()).isEmpty();
    }

    /** Every sidecar in a run folder, each checked to be named {@code <test>-<its variant_hash>.ktstr.json}. */
    static List<SidecarResult> sidecars(Path runDir) throws java.io.IOException {
        try (var files = Files.list(runDir)) {
            return files.sorted().map(f -> {
                SidecarResult s = Json.read(f, SidecarResult.class);
                assertThat(f.getFileName().toString()).isEqualTo(s.testName() + "-" + s.variantHash() + ".ktstr.json");
                return s;
            }).toList();
        }
    }

    @Test
    void aRerunReplacesTheSidecarsOfTheSameVariants() throws Exception {
        Path dir = tmp.resolve("out");
        for (int run = 0; run < 2; run++) {
            assertThat(Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                    "--topology", "tiny-2llc", "--out", dir.toString(), "--project-dir", tmp.toString(), "--quiet",
                    "--json")).isZero();
        }
        List<String> runIds = out().lines().map(l -> Json.readTree(l, "stdout").get("run_id").asText()).toList();
        assertThat(runIds).hasSize(2).doesNotHaveDuplicates();
        List<SidecarResult> kept = sidecars(dir.resolve("unknown-unknown"));
        assertThat(kept).hasSize(1);
        assertThat(kept.get(0).runId()).as("the last writer wins").isEqualTo(runIds.get(1));
    }

    @Test
    void theProjectCommitIsTheSpecFilesRepositoryUnlessProjectDirSaysOtherwise() throws Exception {
        Path repo = tmp.resolve("sched-tests");
        Files.createDirectories(repo);
        Path spec = Files.copy(plan, repo.resolve("steady.plan"));
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "x");
        String commit = git(repo, "rev-parse", "HEAD").strip().substring(0, 7);
        Path dir = tmp.resolve("out");
        assertThat(Main.execute(services(99_000, null), "run", spec.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc", "--out", dir.toString(), "--quiet")).isZero();
        assertThat(sidecars(dir.resolve("unknown-" + commit))).singleElement()
                .satisfies(s -> assertThat(s.projectCommit()).isEqualTo(commit));

        assertThat(Main.execute(services(99_000, null), "run", spec.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc", "--out", dir.toString(), "--project-dir", tmp.toString(), "--quiet"))
                .isZero();
        assertThat(sidecars(dir.resolve("unknown-unknown"))).singleElement()
                .satisfies(s -> assertThat(s.projectCommit()).isNull());
    }

    /** git's output in {@code dir}; the test is skipped where git is not installed. */
    static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("git is not installed");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", List.of(args), out).isZero();
        return out;
    }

    @Test
    void failingVariantExitsOneAndPrintsTheReason() {
        int code = Main.execute(services(0, null), "run", plan.toString(), "--kernel", kernel.toString());
        assertThat(code).isEqualTo(1);
        assertThat(out()).startsWith("FAIL [").contains("Starved: starved: worker tid 11");
        assertThat(err()).contains("steady/1n1l2c1t/eevdf: booting");
    }

    @Test
    void dryRunPrintsThePlanAndBootsNothing() {
        RuntimeException noBackend = new RuntimeException("a dry run must not ask for a backend");
        int code = Main.execute(services(99_000, noBackend) , "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc,tiny-1llc", "--dry-run", "--out", tmp.resolve("out").toString());
        assertThat(code).as(err()).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("steady/tiny-2llc/eevdf: 1n2l2c1t, 4 vCPUs, eevdf, ");
        assertThat(lines.get(2)).isEqualTo("plan: 2 variants, 2 to run, 0 skipped; 16 vCPU-seconds of scenario (boot "
                + "and evaluation come on top)");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void infrastructureErrorExitsTwo() {
        int code = Main.execute(services(1, new VmConfigException("memory_mb: 1 is below 128")), "run",
                plan.toString(), "--kernel", kernel.toString(), "--json");
        assertThat(code).isEqualTo(2);
        assertThat(out()).contains("\"outcome\":\"ERROR\"").contains("memory_mb: 1 is below 128");
    }

    @Test
    void usageErrorsAreOneClearMessageWithoutStackTrace() {
        int code = Main.execute(services(1, null), "run", "nonexistent-scenario", "--kernel", kernel.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("'nonexistent-scenario' is neither a spec file").contains("known: steady")
                .doesNotContain("\tat ");
        err.reset();
        assertThat(Main.execute(services(1, null), "run", plan.toString(), "--kernel", "/nope/bzImage"))
                .isEqualTo(2);
        assertThat(err()).contains("--kernel /nope/bzImage: no such file (/nope/bzImage); ktstr4j kernel list shows "
                + "the cached kernels");
        err.reset();
        assertThat(Main.execute(services(1, null), "run", plan.toString(), "--duration", "soon")).isEqualTo(2);
        assertThat(err()).contains("'soon' is not a duration");
        err.reset();
        assertThat(Main.execute(services(1, null), "run", "missing.yaml", "--kernel", kernel.toString(),
                "--verbose")).isEqualTo(2);
        assertThat(err()).contains("missing.yaml does not exist").contains("\tat ");
    }

    @Test
    void showThresholdsPrintsTheMergedChain() throws Exception {
        Path spec = Files.writeString(tmp.resolve("t.yaml"), """
                name: gappy
                scenario: steady
                scheduler_assert:
                  max_gap_ms: 5000
                  max_imbalance_ratio: 8.0
                assert:
                  max_gap_ms: 2500
                """);
        assertThat(Main.execute(services(1, null), "show-thresholds", spec.toString())).isZero();
        assertThat(out()).contains("max_gap_ms                       2500")
                .contains("max_imbalance_ratio              8.0")
                .contains("max_spread_pct                   15.0")
                .contains("max_p99_wake_latency_ns          off");
        out.reset();
        assertThat(Main.execute(services(1, null), "show-thresholds", spec.toString(), "--debug-thresholds",
                "--json")).isZero();
        assertThat(out()).contains("\"max_gap_ms\":2500").contains("\"max_spread_pct\":35.0");
    }

    @Test
    void listShowsScenariosAndAllPresets() {
        assertThat(Main.execute(services(1, null), "list")).isZero();
        assertThat(out()).contains("steady").contains("tiny-2llc").contains("1n2l2c1t").contains("numa4-12llc");
    }

    @Test
    void resultLineFormat() {
        assertThat(RunCommand.line(Outcome.PASS, 2.409, "steady/tiny-2llc/eevdf"))
                .isEqualTo("PASS [ 2.41s] steady/tiny-2llc/eevdf");
    }
}
