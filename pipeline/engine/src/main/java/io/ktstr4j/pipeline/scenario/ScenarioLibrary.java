package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.topology.Topology;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The canned scenarios (ktstr's {@code scenarios::*} and a few more), shipped as JSON plans under
 * {@code scenarios/} on the classpath and listed in {@code scenarios/catalog.txt} with the topology each needs.
 */
public final class ScenarioLibrary {
    static final String DIR = "scenarios/";

    /** A catalog entry: what a scenario needs from the topology. */
    public record Entry(String name, int minCpus, int minLlcs, int minNumaNodes) {
        /** Empty when the scenario fits the topology, else why not (to skip with). */
        public Optional<String> unmetBy(Topology t) {
            if (t.totalCpus() < minCpus) return Optional.of(name + " needs >= " + minCpus + " CPUs, " + t.label()
                    + " has " + t.totalCpus());
            if (t.llcs() < minLlcs) return Optional.of(name + " needs >= " + minLlcs + " LLCs, " + t.label() + " has "
                    + t.llcs());
            if (t.numaNodes() < minNumaNodes) return Optional.of(name + " needs >= " + minNumaNodes + " NUMA nodes, "
                    + t.label() + " has " + t.numaNodes());
            return Optional.empty();
        }
    }

    private static final Map<String, Entry> CATALOG = readCatalog();

    private ScenarioLibrary() {}

    /** Scenario names in catalog order. */
    public static List<String> names() {
        return List.copyOf(CATALOG.keySet());
    }

    public static List<Entry> entries() {
        return List.copyOf(CATALOG.values());
    }

    public static Optional<Entry> entry(String name) {
        return Optional.ofNullable(CATALOG.get(name));
    }

    /** Loads a canned scenario; unknown names fail with the list of known ones. */
    public static ScenarioPlan load(String name) {
        if (!CATALOG.containsKey(name))
            throw new IllegalArgumentException("no canned scenario '" + name + "'; known: " + String.join(", ", names()));
        String resource = DIR + name + ".json";
        try (InputStream in = ScenarioLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("catalog lists " + name + " but " + resource + " is missing");
            return Json.read(in, ScenarioPlan.class, resource);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    private static Map<String, Entry> readCatalog() {
        String resource = DIR + "catalog.txt";
        InputStream in = ScenarioLibrary.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) throw new IllegalStateException(resource + " is missing from the classpath");
        Map<String, Entry> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] tok = line.split("\\s+");
                int cpus = 1, llcs = 1, numa = 1;
                for (int i = 1; i < tok.length; i++) {
                    String[] kv = tok[i].split("=", 2);
                    int v;
                    try {
                        v = Integer.parseInt(kv.length == 2 ? kv[1] : "");
                    } catch (NumberFormatException e) {
                        throw new IllegalStateException(resource + " line " + n + ": '" + tok[i] + "' is not key=number");
                    }
                    switch (kv[0]) {
                        case "min_cpus" -> cpus = v;
                        case "min_llcs" -> llcs = v;
                        case "min_numa_nodes" -> numa = v;
                        default -> throw new IllegalStateException(resource + " line " + n + ": unknown key " + kv[0]);
                    }
                }
                out.put(tok[0], new Entry(tok[0], cpus, llcs, numa));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Names of the canned scenarios that fit a topology. */
    public static List<String> namesFor(Topology t) {
        List<String> out = new ArrayList<>();
        for (Entry e : CATALOG.values()) if (e.unmetBy(t).isEmpty()) out.add(e.name());
        return out;
    }
}
