package io.ktstr4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ktstr4j.cli.Main;
import io.ktstr4j.cli.Services;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One test variant end to end, the way a user runs it ({@code ktstr4j run steady --topology tiny-2llc --duration 2s}),
 * repeated; prints where the wall time went: prepare (initramfs + VM creation), boot to init, scenario, teardown,
 * evaluation, and the harness's own overhead (wall − boot-to-init − scenario).
 *
 * <pre>
 * RunBench [--backends qemu,kvm] [--runs 5] [--scenario steady] [--topology tiny-2llc] [--duration 2s]
 *          [--scheduler eevdf|scx_simple] [--kernel PATH]
 * </pre>
 * A backend that is not usable here (e.g. kvm without real KVM) is reported as skipped with the reason.
 */
public final class RunBench {
    private static final String[] PHASES = {"prepare_ms", "boot_to_init_ms", "scenario_ms", "teardown_ms",
            "evaluation_ms", "wall_ms", "overhead_ms"};

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchArgs.parse(args);
        int runs = Integer.parseInt(a.getOrDefault("runs", "5"));
        List<String> backends = List.of(a.getOrDefault("backends", "qemu,kvm").split(","));
        System.out.printf(Locale.ROOT, "RunBench: %s on %s, %s, scheduler %s, %d runs per backend (%d CPUs here)%n",
                a.getOrDefault("scenario", "steady"), a.getOrDefault("topology", "tiny-2llc"),
                a.getOrDefault("duration", "2s"), a.getOrDefault("scheduler", "eevdf"), runs,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%n%-8s %-8s", "backend", "stat");
        for (String p : PHASES) {
            System.out.printf(Locale.ROOT, " %15s", p);
        }
        System.out.println();
        for (String backend : backends) {
            List<long[]> rows = new ArrayList<>();
            String skip = null;
            for (int i = 0; i < runs && skip == null; i++) {
                Object r = once(backend, a);
                if (r instanceof String s) {
                    skip = s;
                } else {
                    rows.add((long[]) r);
                }
            }
            if (skip != null && rows.isEmpty()) {
                System.out.printf(Locale.ROOT, "%-8s skipped: %s%n", backend, skip);
                continue;
            }
            for (String stat : List.of("median", "min", "max")) {
                System.out.printf(Locale.ROOT, "%-8s %-8s", backend, stat);
                for (int p = 0; p < PHASES.length; p++) {
                    int col = p;
                    long[] v = rows.stream().mapToLong(r -> r[col]).sorted().toArray();
                    long x = switch (stat) {
                        case "median" -> v[v.length / 2];
                        case "min" -> v[0];
                        default -> v[v.length - 1];
                    };
                    System.out.printf(Locale.ROOT, " %15d", x);
                }
                System.out.println();
            }
            if (skip != null) {
                System.out.printf(Locale.ROOT, "%-8s (stopped after %d runs: %s)%n", backend, rows.size(), skip);
            }
        }
        System.out.println("\noverhead = wall - boot_to_init - scenario (goal: under 500 ms); times in ms.");
    }

    /** One variant; its timings in {@link #PHASES} order, or a reason string when it did not pass. */
    static Object once(String backend, Map<String, String> a) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Services services = new Services(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        List<String> argv = new ArrayList<>(Arrays.asList("run", a.getOrDefault("scenario", "steady"), "--topology",
                a.getOrDefault("topology", "tiny-2llc"), "--duration", a.getOrDefault("duration", "2s"), "--backend",
                backend, "--scheduler", a.getOrDefault("scheduler", "eevdf"), "--json", "--quiet"));
        if (a.containsKey("kernel")) {
            argv.addAll(List.of("--kernel", a.get("kernel")));
        }
        int code = Main.execute(services, argv.toArray(String[]::new));
        String text = out.toString(StandardCharsets.UTF_8).trim();
        if (code != 0 || text.isEmpty()) {
            String why = (text + " " + err.toString(StandardCharsets.UTF_8)).trim();
            return "exit " + code + ": " + why.lines().findFirst().orElse("");
        }
        JsonNode j = new ObjectMapper().readTree(text.lines().reduce((x, y) -> y).orElseThrow());
        if (!"PASS".equals(j.path("outcome").asText())) {
            return j.path("outcome").asText() + " " + j.path("reasons");
        }
        JsonNode t = j.path("timings");
        long[] row = new long[PHASES.length];
        for (int p = 0; p < PHASES.length; p++) {
            row[p] = t.path(PHASES[p]).asLong(-1);
        }
        return row;
    }
}
