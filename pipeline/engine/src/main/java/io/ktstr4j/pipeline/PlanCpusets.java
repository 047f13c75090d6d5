package io.ktstr4j.pipeline;

import io.ktstr4j.pipeline.scenario.CpuList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which CPUs each cgroup's workers were allowed on, read from the agent plan a variant ran, so the isolation check
 * can judge real runs. A cgroup is judged only when the plan confines it for as long as it has workers; it is left
 * out (not judged) when it ever runs workers without a cpuset of its own or of an ancestor, when its cpuset is
 * cleared, or when tasks are moved into or out of it (a moved task reports under the cgroup it started in, but runs
 * under the other one's cpuset). The allowed set is the union of every cpuset the cgroup was given, since the report
 * covers the whole run; a swap gives both cgroups both sets.
 */
public final class PlanCpusets {
    private PlanCpusets() {
    }

    /** cgroup name → allowed CPUs, for the judged cgroups only. */
    public static Map<String, Set<Integer>> allowed(String planText) {
        Map<String, Set<Integer>> own = new LinkedHashMap<>();
        Map<String, Boolean> confinedNow = new HashMap<>();
        Set<String> unjudged = new HashSet<>();
        Set<String> names = new TreeSet<>();
        if (planText == null) {
            return Map.of();
        }
        for (String raw : planText.split("\n")) {
            String line = raw.strip();
            Map<String, String> kv = fields(line);
            if (line.startsWith("cgroup ")) {
                String name = line.split("\\s+")[1];
                names.add(name);
                if (kv.containsKey("cpus")) {
                    give(own, confinedNow, name, kv.get("cpus"));
                } else if (!inheritsConfinement(name, confinedNow)) {
                    unjudged.add(name); // defined with workers and nothing confining it
                }
            } else if (line.startsWith("op ")) {
                String kind = line.split("\\s+")[1];
                switch (kind) {
                    case "add_cgroup" -> confinedNow.put(kv.get("name"), false);
                    case "set_cpuset" -> give(own, confinedNow, kv.get("cgroup"), kv.get("cpus"));
                    case "clear_cpuset" -> unjudged.add(kv.get("cgroup"));
                    case "swap_cpusets" -> {
                        Set<Integer> a = own.getOrDefault(kv.get("a"), Set.of());
                        Set<Integer> b = own.getOrDefault(kv.get("b"), Set.of());
                        own.computeIfAbsent(kv.get("a"), k -> new TreeSet<>()).addAll(b);
                        own.computeIfAbsent(kv.get("b"), k -> new TreeSet<>()).addAll(a);
                    }
                    case "spawn" -> {
                        String cg = kv.get("cgroup");
                        if (!Boolean.TRUE.equals(confinedNow.get(cg)) && !inheritsConfinement(cg, confinedNow)) {
                            unjudged.add(cg);
                        }
                    }
                    case "move_all_tasks" -> {
                        unjudged.add(kv.get("from"));
                        unjudged.add(kv.get("to"));
                    }
                    default -> { }
                }
            }
        }
        Map<String, Set<Integer>> out = new LinkedHashMap<>();
        names.addAll(own.keySet());
        names.addAll(confinedNow.keySet());
        for (String name : names) {
            Set<Integer> cpus = effective(name, own, unjudged);
            if (cpus != null && !cpus.isEmpty()) {
                out.put(name, Set.copyOf(cpus));
            }
        }
        return out;
    }

    private static void give(Map<String, Set<Integer>> own, Map<String, Boolean> confinedNow, String cgroup,
                             String cpus) {
        if (cgroup == null || cpus == null) {
            return;
        }
        own.computeIfAbsent(cgroup, k -> new TreeSet<>()).addAll(CpuList.parse(cpus));
        confinedNow.put(cgroup, true);
    }

    /** A child without its own cpuset runs on its nearest confined ancestor's (cgroup v2 effective cpus). */
    private static boolean inheritsConfinement(String name, Map<String, Boolean> confinedNow) {
        for (String p = parent(name); p != null; p = parent(p)) {
            if (Boolean.TRUE.equals(confinedNow.get(p))) {
                return true;
            }
        }
        return false;
    }

    /** The set confining {@code name}: its own, else the nearest ancestor's; null when that one is not judged. */
    private static Set<Integer> effective(String name, Map<String, Set<Integer>> own, Set<String> unjudged) {
        for (String n = name; n != null; n = parent(n)) {
            if (unjudged.contains(n)) {
                return null;
            }
            if (own.containsKey(n)) {
                return own.get(n);
            }
        }
        return null;
    }

    private static String parent(String name) {
        int i = name.lastIndexOf('/');
        return i < 0 ? null : name.substring(0, i);
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> kv = new HashMap<>();
        for (String tok : line.split("\\s+")) {
            if (tok.equals("--")) {
                break; // payload arguments follow
            }
            int eq = tok.indexOf('=');
            if (eq > 0) {
                kv.putIfAbsent(tok.substring(0, eq), tok.substring(eq + 1));
            }
        }
        return kv;
    }
}
