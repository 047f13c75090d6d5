package io.ktstr4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ktstr4j.cli.Main;
import io.ktstr4j.cli.Services;
import io.ktstr4j.pipeline.Defaults;
import io.ktstr4j.pipeline.RunSummary;
import io.ktstr4j.pipeline.Variant;
import io.ktstr4j.pipeline.VariantPlanner;
import io.ktstr4j.schemas.spec.TestSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gauntlet's own cost and throughput.
 *
 * <ol>
 *   <li>Harness overhead per variant (wall − boot to init − scenario) with the executor in the path
 *       ({@code ktstr4j run … --trials N}, as a user runs it), against the same variant run straight through the
 *       {@code VariantRunner} with no executor, no CLI (the reference), in the same process and run.</li>
 *   <li>Variants per minute of a tiny-preset gauntlet of short scenarios at {@code --jobs 1} and {@code --jobs 2}
 *       ({@code --overcommit} lets two 4-vCPU VMs share this machine's one VM CPU). Under TCG the cores bound this,
 *       not the executor.</li>
 * </ol>
 * <pre>
 * GauntletBench [--backend qemu] [--runs 5] [--duration 2s] [--variants 6] [--kernel PATH] [--overcommit 8]
 * </pre>
 */
public final class GauntletBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchArgs.parse(args);
        String backend = a.getOrDefault("backend", "qemu");
        int runs = Integer.parseInt(a.getOrDefault("runs", "5"));
        String duration = a.getOrDefault("duration", "2s");
        int variants = Integer.parseInt(a.getOrDefault("variants", "6"));
        Path kernel = a.containsKey("kernel") ? Path.of(a.get("kernel")) : Defaults.kernel().orElseThrow();
        System.out.printf(Locale.ROOT, "GauntletBench: backend %s, steady on tiny-2llc, %s scenarios, %d CPUs here%n%n",
                backend, duration, Runtime.getRuntime().availableProcessors());

        long[] direct = new long[runs];
        for (int i = 0; i < runs; i++) {
            direct[i] = directOverhead(backend, duration, kernel);
        }
        List<Long> viaCli = new ArrayList<>();
        for (JsonNode j : cli(backend, kernel, "steady", "--topology", "tiny-2llc", "--duration", duration,
                "--trials", Integer.toString(runs), "--jobs", "1")) {
            viaCli.add(j.path("timings").path("overhead_ms").asLong(-1));
        }
        long d = median(Arrays.stream(direct).boxed().toList());
        long g = median(viaCli);
        System.out.println("| path | runs | overhead median ms | min | max | / reference |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| VariantRunner, no executor (reference) | %d | %d | %d | %d | 1.00 |%n", runs, d,
                Arrays.stream(direct).min().orElse(-1), Arrays.stream(direct).max().orElse(-1));
        System.out.printf(Locale.ROOT, "| ktstr4j run, gauntlet executor | %d | %d | %d | %d | %.2f |%n%n", viaCli.size(),
                g, viaCli.stream().mapToLong(x -> x).min().orElse(-1), viaCli.stream().mapToLong(x -> x).max()
                        .orElse(-1), d <= 0 ? Double.NaN : g / (double) d);

        System.out.println("| gauntlet | variants | wall s | variants per minute | / --jobs 1 |");
        System.out.println("|---|---|---|---|---|");
        int trials = Math.max(1, variants / 2);
        double base = 0;
        for (String jobs : List.of("1", "2")) {
            long t0 = System.nanoTime();
            List<JsonNode> done = cli(backend, kernel, "steady", "--topology", "tiny-1llc,tiny-2llc", "--duration",
                    duration, "--trials", Integer.toString(trials), "--jobs", jobs, "--overcommit",
                    a.getOrDefault("overcommit", "8"));
            double wall = (System.nanoTime() - t0) / 1e9;
            double perMin = done.size() * 60 / wall;
            if (base == 0) {
                base = perMin;
            }
            System.out.printf(Locale.ROOT, "| --jobs %s | %d | %.1f | %.2f | %.2f |%n", jobs, done.size(), wall, perMin,
                    perMin / base);
        }
        System.out.println("\noverhead = wall - boot_to_init - scenario per variant (goal: at most 100 ms).");
    }

    /** {@code ktstr4j run … --json --quiet}: one JSON object per variant that passed (a failure stops the bench). */
    static List<JsonNode> cli(String backend, Path kernel, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> argv = new ArrayList<>(List.of("run"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--backend", backend, "--kernel", kernel.toString(), "--json", "--quiet",
                "--results-store", "none", "--no-host-state"));
        int code = Main.execute(new Services(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), argv.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException("ktstr4j " + String.join(" ", argv) + ": exit " + code + "\n" + out + err);
        }
        List<JsonNode> rows = new ArrayList<>();
        for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                rows.add(new ObjectMapper().readTree(l));
            }
        }
        return rows;
    }

    /** One variant straight through the runner: its overhead in ms. */
    static long directOverhead(String backend, String duration, Path kernel) {
        Services s = new Services();
        Services.RunnerChoice c = s.runner(backend, false);
        List<Variant> vs = new VariantPlanner(s.planCompiler()).plan(TestSpec.of("steady", "steady"),
                new VariantPlanner.Overrides(List.of("tiny-2llc"), null, List.of(),
                        io.ktstr4j.cli.DurationConverter.parse(duration), null, null, null, kernel, List.of()));
        AtomicReference<RunSummary> done = new AtomicReference<>();
        c.runner().run(vs.get(0), done::set).blockLast(Duration.ofMinutes(5));
        Long o = done.get().timings().overheadMs();
        if (o == null || !"PASS".equals(done.get().verdict().outcome().name())) {
            throw new IllegalStateException("direct run: " + done.get().verdict());
        }
        return o;
    }

    static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        return s.isEmpty() ? -1 : s.get(s.size() / 2);
    }
}
