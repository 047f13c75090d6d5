package io.ktstr4j.bench;

import io.ktstr4j.cli.Main;
import io.ktstr4j.cli.Services;
import io.ktstr4j.schemas.monitor.MonitorSummary;
import io.ktstr4j.schemas.monitor.ScxEventDeltas;
import io.ktstr4j.schemas.report.CgroupStats;
import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.sidecar.HostContext;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.stats.CompareEngine;
import io.ktstr4j.stats.CompareOptions;
import io.ktstr4j.stats.CompareReport;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.TrialFilter;
import io.ktstr4j.stats.store.ResultsStore;
import io.ktstr4j.stats.store.StoreLocation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code stats compare} over a large store (issue 17: 100 000 stored results in under 2 s) and the store's size per
 * 10 000 results. Synthetic results shaped like real ones (two cgroups, a monitor summary under sched_ext, a host
 * context): 25 tests x 4 topologies x 2 schedulers per run, as many runs as the count needs. The reference for the
 * compare is DuckDB computing n, mean and sd per variant and metric in SQL over the same table: what the database
 * alone needs, without pairing, gates, t-tests or output.
 *
 * <pre>bench/run.sh StatsBench [--results 100000] [--dir /tmp/statsbench] [--reps 3] [--reuse]</pre>
 * ({@code --reuse}: skip the ingest and compare on the store a previous run left in the folder)
 */
public final class StatsBench {

    static final String[] TOPOLOGIES = {"1n2l2c1t", "1n2l2c2t", "1n4l4c2t", "2n4l4c1t"};
    static final String[] SCHEDULERS = {"eevdf", "scx_simple"};
    static final int TESTS = 25;

    private StatsBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchArgs.parse(args);
        int total = Integer.parseInt(a.getOrDefault("results", "100000"));
        int reps = Integer.parseInt(a.getOrDefault("reps", "3"));
        Path dir = Path.of(a.getOrDefault("dir", System.getProperty("java.io.tmpdir") + "/statsbench"));
        Files.createDirectories(dir);
        Path file = dir.resolve("results.duckdb");
        boolean reuse = a.containsKey("reuse") && Files.exists(file); // compare only, on the store a run left
        if (!reuse) {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir.resolve("results.duckdb.wal"));
        }
        ResultsStore store = ResultsStore.at(new StoreLocation.DuckDbFile(file));
        System.out.printf(Locale.ROOT, "StatsBench: %d synthetic results into %s (%d CPUs, Java %s)%n%n", total, file,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        // ---- ingest, and the size per 10 000 ----
        int perRun = TESTS * TOPOLOGIES.length * SCHEDULERS.length;
        Random rnd = new Random(17);
        long ingestNs = 0;
        int written = 0;
        long jsonBytes = 0;
        List<long[]> sizes = new ArrayList<>();
        for (int run = 0; !reuse && written < total; run++) {
            List<SidecarResult> batch = new ArrayList<>(perRun);
            for (int i = 0; i < perRun && written + batch.size() < total; i++) {
                batch.add(result(run, i, rnd));
            }
            for (SidecarResult r : batch) {
                jsonBytes += io.ktstr4j.schemas.json.Json.writeBytes(r).length;
            }
            long t0 = System.nanoTime();
            store.ingest(batch);
            ingestNs += System.nanoTime() - t0;
            written += batch.size();
            if (written % 10_000 == 0 || written == total) {
                sizes.add(new long[] {written, Files.size(file)});
            }
        }
        if (!reuse) {
        System.out.println("| results | store file | per 10 000 results | sidecar JSON per 10 000 |");
        System.out.println("|---|---|---|---|");
        for (long[] s : sizes) {
            if (s[0] == 10_000 || s[0] == total || s[0] == total / 2) {
                System.out.printf(Locale.ROOT, "| %,d | %.1f MB | %.1f MB | %.1f MB |%n", s[0], s[1] / 1e6,
                        s[1] / 1e6 * 10_000 / s[0], jsonBytes / 1e6 * 10_000 / total);
            }
        }
        System.out.printf(Locale.ROOT, "%ningest: %,d results in %.1f s (%,.0f results/s, one transaction per run "
                + "of %d)%n%n", total, ingestNs / 1e9, total / (ingestNs / 1e9), perRun);
        }

        // ---- compare ----
        TrialFilter fa = TrialFilter.parse("--a", List.of("scheduler=eevdf"));
        TrialFilter fb = TrialFilter.parse("--b", List.of("scheduler=scx_simple"));
        System.out.println("| round | load trials ms | compare ms | load + compare ms | CLI stats compare ms | "
                + "new JVM: ktstr4j stats compare ms | DuckDB SQL (reference) ms | CLI / reference "
                + "| new JVM / 2 s goal |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int rep = 1; rep <= reps; rep++) {
            long t0 = System.nanoTime();
            List<Trial> pool = store.trials(true);
            long t1 = System.nanoTime();
            CompareReport r = CompareEngine.compare(pool, fa, fb, CompareOptions.DEFAULTS);
            long t2 = System.nanoTime();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Services services = new Services(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            long t3 = System.nanoTime();
            int code = Main.execute(services, "stats", "compare", "--a", "scheduler=eevdf", "--b",
                    "scheduler=scx_simple", "--results-store", file.toString());
            long t4 = System.nanoTime();
            double jvmMs = newJvm(file);
            long sql = referenceSql(file);
            double cliMs = (t4 - t3) / 1e6;
            System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f (exit %d, %d pairs, %d regressions) "
                            + "| %.0f | %.0f | %.1f | %.2f |%n", rep, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t2 - t0) / 1e6, cliMs,
                    code, r.pairs().size(), r.regressions(), jvmMs, sql / 1e6, cliMs / (sql / 1e6), jvmMs / 2000);
        }
    }

    /**
     * {@code ktstr4j stats compare} as a user runs it: a new JVM with the launcher's option for stats commands (C1
     * only), so start, DuckDB's native library (unpacked from its jar by every process) and the compare.
     */
    static double newJvm(Path file) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "stats",
                "compare", "--a", "scheduler=eevdf", "--b", "scheduler=scx_simple", "--results-store", file.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int code = p.waitFor();
        if (code != 1) {
            throw new IllegalStateException("ktstr4j stats compare exited " + code + ", expected 1 (regressions)");
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    /** The reference: n, mean and sd per variant, side and metric, computed by DuckDB alone (read only). */
    static long referenceSql(Path file) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("duckdb.read_only", "true");
        StringBuilder aggs = new StringBuilder();
        for (var m : io.ktstr4j.schemas.metric.MetricRegistry.registry()) {
            aggs.append(", count(").append(m.name()).append("), avg(").append(m.name()).append("), stddev_samp(")
                    .append(m.name()).append(')');
        }
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file, p); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT v.test_name, v.topology, v.scheduler" + aggs + " FROM trials t "
                     + "JOIN variants v USING (variant_id) WHERE t.outcome = 'PASS' "
                     + "GROUP BY v.test_name, v.topology, v.scheduler")) {
            int cols = r.getMetaData().getColumnCount();
            while (r.next()) {
                for (int i = 4; i <= cols; i++) {
                    r.getDouble(i);
                }
            }
        }
        return System.nanoTime() - t0;
    }

    /** The i-th result of a run: test, topology and scheduler from i; values around a per-variant base, seeded. */
    static SidecarResult result(int run, int i, Random rnd) {
        String test = "scenario_" + (i % TESTS);
        String topo = TOPOLOGIES[(i / TESTS) % TOPOLOGIES.length];
        String sched = SCHEDULERS[(i / (TESTS * TOPOLOGIES.length)) % SCHEDULERS.length];
        boolean scx = !sched.equals("eevdf");
        double base = 5 + (i % TESTS);
        double spread = base * (scx && i % 7 == 0 ? 1.6 : 1.0) + rnd.nextGaussian();
        long iterations = (long) (100_000 + 1000 * rnd.nextGaussian());
        CgroupStats cg = new CgroupStats(4, 2, 12.5, 10, 15, spread, 40, 1, 17, 0.004, 90 + rnd.nextGaussian(), 12,
                0.6, iterations / 2, 140 + rnd.nextGaussian(), 2200, 1.0, 0, 7.6, iterations / 8.0, Map.of());
        ScenarioStats stats = new ScenarioStats(List.of(cg, cg), 8, 4, 34, spread, 40 + (long) (5 * rnd.nextGaussian()),
                1, 0.004, 90 + rnd.nextGaussian(), 12 + rnd.nextGaussian(), 0.6, iterations, 140, 2200, 1.0, 0, 7.6,
                iterations / 8.0, Map.of());
        MonitorSummary monitor = scx ? new MonitorSummary(21, 2.0 + rnd.nextGaussian() * 0.1, 3, false, 1.2, 1.4, 0.4,
                new ScxEventDeltas(12, 6, 4, 0, 31, 15.5, 1, 2, 0, 0, 44, 0, 0, 0, 0, 0), null, null) : null;
        return SidecarResult.builder().testName(test).topology(topo).scheduler(sched).workType("SpinWait")
                .projectCommit("abc1234").kernelVersion("6.12.117").runSource("ci").backend("kvm")
                .variantKey(test + "/" + topo + "/" + sched).runId(String.format(Locale.ROOT, "bench-%05d", run))
                .timestamp(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * run).toString())
                .passed(true).outcome(Outcome.PASS).stats(stats).monitor(monitor).host(HOST).durationMs(9000L)
                .build();
    }

    static final HostContext HOST = new HostContext("AMD EPYC 7B13", "AuthenticAMD", 65_844_120L, 0L, 0L, 2048L,
            "always [madvise] never", "madvise", Map.of("sched_autogroup_enabled", "1"), 16, 1,
            Map.of(0, "performance"), "Linux", "6.8.0-48-generic", "x86_64", "BOOT_IMAGE=/vmlinuz ro", null);
}
