package io.ktstr4j.pipeline;

import io.ktstr4j.vmm.plan.AgentOp;
import io.ktstr4j.vmm.plan.AgentPlan;
import io.ktstr4j.vmm.plan.AgentScenario;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which CPUs each cgroup's workers were allowed on, read from the agent scenario a variant ran, so the isolation check
 * can judge real runs. A cgroup is judged only when the plan confines it for as long as it has workers; it is left
 * out (not judged) when it ever runs workers without a cpuset of its own or of an ancestor, when its cpuset is
 * cleared, or when tasks are moved into or out of it (a moved task reports under the cgroup it started in, but runs
 * under the other one's cpuset). The allowed set is the union of every cpuset the cgroup was given, since the report
 * covers the whole run; a swap gives both cgroups both sets.
 */
public final class PlanCpusets {
    private PlanCpusets() {
    }

    /** cgroup name → allowed CPUs, for the judged cgroups only; none for a plan the host does not read. */
    public static Map<String, Set<Integer>> allowed(AgentPlan plan) {
        if (!(plan instanceof AgentScenario scenario)) {
            return Map.of();
        }
        Map<String, Set<Integer>> own = new LinkedHashMap<>();
        Map<String, Boolean> confinedNow = new HashMap<>();
        Set<String> unjudged = new HashSet<>();
        Set<String> names = new TreeSet<>();
        // In the agent's order: the backdrop, then each step's setup and its ops.
        scenario.backdrop().forEach(c -> define(c, own, confinedNow, unjudged, names));
        for (AgentScenario.Step step : scenario.steps()) {
            step.setup().forEach(c -> define(c, own, confinedNow, unjudged, names));
            for (AgentOp op : step.ops()) {
                if (op instanceof AgentOp.AddCgroup a) {
                    confinedNow.put(a.name(), false);
                } else if (op instanceof AgentOp.SetCpuset sc) {
                    give(own, confinedNow, sc.cgroup(), sc.cpus());
                } else if (op instanceof AgentOp.ClearCpuset cc) {
                    unjudged.add(cc.cgroup());
                } else if (op instanceof AgentOp.SwapCpusets sw) {
                    Set<Integer> a = own.getOrDefault(sw.a(), Set.of());
                    Set<Integer> b = own.getOrDefault(sw.b(), Set.of());
                    own.computeIfAbsent(sw.a(), k -> new TreeSet<>()).addAll(b);
                    own.computeIfAbsent(sw.b(), k -> new TreeSet<>()).addAll(a);
                } else if (op instanceof AgentOp.Spawn sp) {
                    String cg = sp.cgroup();
                    if (!Boolean.TRUE.equals(confinedNow.get(cg)) && !inheritsConfinement(cg, confinedNow)) {
                        unjudged.add(cg);
                    }
                } else if (op instanceof AgentOp.MoveAllTasks m) {
                    unjudged.add(m.from());
                    unjudged.add(m.to());
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

    /** A cgroup with workers: confined by its own cpuset or an ancestor's, else not judged. */
    private static void define(AgentScenario.Cgroup c, Map<String, Set<Integer>> own, Map<String, Boolean> confinedNow,
                               Set<String> unjudged, Set<String> names) {
        names.add(c.name());
        if (c.cpus() != null) {
            give(own, confinedNow, c.name(), c.cpus());
        } else if (!inheritsConfinement(c.name(), confinedNow)) {
            unjudged.add(c.name());
        }
    }

    private static void give(Map<String, Set<Integer>> own, Map<String, Boolean> confinedNow, String cgroup,
                             List<Integer> cpus) {
        if (cgroup == null || cpus == null) {
            return;
        }
        own.computeIfAbsent(cgroup, k -> new TreeSet<>()).addAll(cpus);
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
}
