package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.pipeline.scenario.CpusetResolver.ResolvedAffinity;
import io.ktstr4j.schemas.plan.AffinityKind;
import io.ktstr4j.schemas.plan.CgroupDef;
import io.ktstr4j.schemas.plan.CpusetSpec;
import io.ktstr4j.schemas.plan.HoldSpec;
import io.ktstr4j.schemas.plan.MemPolicy;
import io.ktstr4j.schemas.plan.MpolFlag;
import io.ktstr4j.schemas.plan.Op;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.plan.SchedPolicy;
import io.ktstr4j.schemas.plan.Step;
import io.ktstr4j.schemas.plan.Work;
import io.ktstr4j.schemas.plan.WorkType;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.plan.CpuList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a plan against a topology before any VM boots, by walking it the way the guest agent will (ops, then
 * setup, then hold; step cgroups and payloads end with their step; a loop step's ops run repeatedly). Every
 * problem names the plan path of the bad field. What it refuses:
 * <ul>
 *   <li>a cpuset that resolves to no CPUs, or names an LLC, NUMA node or CPU the topology lacks;</li>
 *   <li>a memory policy node outside the NUMA nodes of the cgroup's cpuset (or outside the topology);</li>
 *   <li>a pair work type (PipeIo, FutexPingPong, CachePipe) with an odd worker count;</li>
 *   <li>fan-out and mutex groups that do not divide the workers (FutexFanOut, FanOutCompute: fan_out+1;
 *       MutexContention: contenders);</li>
 *   <li>a FIFO/RR priority outside 1..99;</li>
 *   <li>ops naming a cgroup that does not exist at that point, a second cgroup of the same name, stopping or removing
 *       backdrop cgroups from a step, moving backdrop workers into a step's cgroup;</li>
 *   <li>payload ops for payloads that are not running, payload names or arguments the agent cannot carry.</li>
 * </ul>
 */
public final class PlanValidator {
    /** Upper bound per worker group, the agent's limit. */
    public static final int MAX_WORKERS = 4096;
    private static final Pattern TOKEN = Pattern.compile("[^\\s=]+");

    private final Topology topology;
    private final CpusetResolver resolver;
    private final PlanDefaults defaults;

    public PlanValidator(Topology topology, PlanDefaults defaults) {
        this.topology = topology;
        this.resolver = new CpusetResolver(topology);
        this.defaults = defaults;
    }

    public PlanValidator(Topology topology) {
        this(topology, PlanDefaults.KTSTR);
    }

    /** Validates and resolves; throws {@link PlanValidationException} listing every problem. */
    public ValidatedPlan validate(ScenarioPlan plan) {
        Walk w = new Walk();
        for (int i = 0; i < plan.backdrop().size(); i++)
            w.def("backdrop[" + i + "]", plan.backdrop().get(i), true);
        for (int s = 0; s < plan.steps().size(); s++) {
            Step step = plan.steps().get(s);
            String sp = "steps[" + s + "]";
            boolean loop = step.hold() instanceof HoldSpec.Loop;
            if (loop) w.setup(sp, step);
            // a loop repeats its ops: walking them twice finds what only breaks on the second round
            for (int round = 0; round < (loop ? 2 : 1); round++)
                for (int o = 0; o < step.ops().size(); o++) w.op(sp + ".ops[" + o + "]", step.ops().get(o));
            if (!loop) w.setup(sp, step);
            w.endStep();
        }
        if (!w.problems.isEmpty()) throw new PlanValidationException(plan.name(), topology.label(), List.copyOf(w.problems));
        long duration = plan.durationMs() != null ? plan.durationMs() : defaults.durationMs();
        return new ValidatedPlan(plan, topology, duration, defaults.workersPerCgroup(), w.cpusets, w.affinities,
                w.workers);
    }

    private static final class Cg {
        final boolean backdrop;
        List<Integer> cpus; // null = inherits

        Cg(boolean backdrop) {
            this.backdrop = backdrop;
        }
    }

    private final class Walk {
        final Set<String> problems = new LinkedHashSet<>();
        final Map<String, Cg> live = new LinkedHashMap<>();
        final Map<String, Boolean> payloads = new HashMap<>(); // "name\0cgroup" -> backdrop
        final Map<String, List<Integer>> cpusets = new HashMap<>();
        final Map<String, ResolvedAffinity> affinities = new HashMap<>();
        final Map<String, Integer> workers = new HashMap<>();

        void problem(String path, String text) {
            problems.add(path + ": " + text);
        }

        void setup(String sp, Step step) {
            for (int i = 0; i < step.setup().size(); i++) def(sp + ".setup[" + i + "]", step.setup().get(i), false);
        }

        void endStep() {
            live.values().removeIf(c -> !c.backdrop);
            payloads.values().removeIf(b -> !b);
        }

        void def(String path, CgroupDef d, boolean backdrop) {
            if (live.containsKey(d.name())) {
                problem(path + ".name", "'" + d.name() + "' already exists at this point; use a fresh name");
                return;
            }
            Cg cg = new Cg(backdrop);
            live.put(d.name(), cg);
            if (d.cpuset() != null) {
                List<Integer> cpus = resolve(path + ".cpuset", d.cpuset());
                if (cpus != null) {
                    cg.cpus = cpus;
                    cpusets.put(path, cpus);
                }
            }
            work(path, "", d.name(), d.work());
        }

        List<Integer> resolve(String path, CpusetSpec spec) {
            try {
                List<Integer> cpus = resolver.resolve(spec);
                if (cpus.isEmpty()) {
                    problem(path, describe(spec) + " resolves to no CPUs on " + topology.label() + " (usable CPUs "
                            + CpuList.format(resolver.usableCpus()) + ")");
                    return null;
                }
                return cpus;
            } catch (IllegalArgumentException e) {
                problem(path, e.getMessage());
                return null;
            }
        }

        /** The CPUs a cgroup's workers may use: its own cpuset, else the nearest ancestor's, else all. */
        List<Integer> effective(String name) {
            for (String n = name; n != null; n = parent(n)) {
                Cg c = live.get(n);
                if (c != null && c.cpus != null) return c.cpus;
            }
            return resolver.allCpus();
        }

        /** Checks one worker group; {@code prefix} is "" for a CgroupDef and ".work" for spawn ops. */
        void work(String path, String prefix, String cgroup, Work w) {
            String wp = path + prefix;
            int n = w.workers() != null ? w.workers() : defaults.workersPerCgroup();
            String nText = n + (w.workers() == null ? " (the default workers per cgroup)" : "");
            workers.put(path, n);
            WorkType t = w.workType();
            if (n > MAX_WORKERS) problem(wp + ".workers", n + " is more than the agent's " + MAX_WORKERS);
            if (t.pairsWorkers() && n % 2 != 0)
                problem(wp + ".workers", nText + " is odd; " + t.pascalName() + " pairs workers");
            if (t instanceof WorkType.FutexFanOut || t instanceof WorkType.FanOutCompute) {
                int g = t.workerGroupSize();
                if (n % g != 0)
                    problem(wp + ".workers", nText + " is not divisible by fan_out+1 (" + g + "); " + t.pascalName()
                            + " runs groups of one messenger and " + (g - 1) + " receivers");
            }
            if (t instanceof WorkType.MutexContention m && n % m.contenders() != 0)
                problem(wp + ".workers", nText + " is not divisible by contenders (" + m.contenders()
                        + "); MutexContention runs groups of " + m.contenders() + " contenders");
            SchedPolicy p = w.schedPolicy();
            int prio = p instanceof SchedPolicy.Fifo f ? f.priority() : p instanceof SchedPolicy.RoundRobin r
                    ? r.priority() : 1;
            if (prio < SchedPolicy.MIN_RT_PRIORITY || prio > SchedPolicy.MAX_RT_PRIORITY)
                problem(wp + ".sched_policy.priority", prio + " is outside 1..99");
            List<Integer> cpus = cgroup == null ? resolver.allCpus() : effective(cgroup);
            memPolicy(wp + ".mem_policy", w.memPolicy(), w.mpolFlags(), cpus);
            affinity(path, wp + ".affinity", w.affinity(), cgroup == null ? null : effective(cgroup));
        }

        void memPolicy(String path, MemPolicy mp, List<MpolFlag> flags, List<Integer> cpus) {
            List<Integer> allowed = resolver.nodesOf(cpus);
            for (int node : mp.nodes()) {
                if (node >= topology.numaNodes()) {
                    problem(path + ".nodes", "node " + node + " does not exist on " + topology.label() + " (nodes 0.."
                            + (topology.numaNodes() - 1) + ")");
                } else if (!flags.contains(MpolFlag.RELATIVE_NODES) && !allowed.contains(node)) {
                    // relative node numbers index the allowed set, so only absolute ones can be checked
                    problem(path + ".nodes", "node " + node + " is outside the cpuset's NUMA nodes " + allowed
                            + " (CPUs " + CpuList.format(cpus) + ")");
                }
            }
        }

        void affinity(String key, String path, AffinityKind kind, List<Integer> cpuset) {
            try {
                affinities.putIfAbsent(key, resolver.resolveAffinity(kind, cpuset));
            } catch (IllegalArgumentException e) {
                problem(path, e.getMessage());
            }
        }

        boolean exists(String path, String name) {
            if (live.containsKey(name)) return true;
            problem(path, "'" + name + "' does not exist at this point (known: " + live.keySet() + ")");
            return false;
        }

        boolean notBackdrop(String path, String name, String what) {
            Cg c = live.get(name);
            if (c != null && c.backdrop) {
                problem(path, "'" + name + "' belongs to the backdrop; " + what
                        + " from a step would end workers meant to last the whole scenario");
                return false;
            }
            return true;
        }

        void op(String path, Op op) {
            if (op instanceof Op.AddCgroup a) {
                if (live.containsKey(a.name()))
                    problem(path + ".name", "'" + a.name() + "' already exists at this point"
                            + " (a loop step repeats its ops; step cgroups end with their step)");
                else live.put(a.name(), new Cg(false));
            } else if (op instanceof Op.RemoveCgroup r) {
                if (exists(path + ".cgroup", r.cgroup()) && notBackdrop(path + ".cgroup", r.cgroup(), "remove_cgroup"))
                    live.keySet().removeIf(n -> n.equals(r.cgroup()) || n.startsWith(r.cgroup() + "/"));
            } else if (op instanceof Op.SetCpuset s) {
                if (!exists(path + ".cgroup", s.cgroup())) return;
                List<Integer> cpus = resolve(path + ".cpuset", s.cpuset());
                if (cpus != null) {
                    live.get(s.cgroup()).cpus = cpus;
                    cpusets.putIfAbsent(path, cpus);
                }
            } else if (op instanceof Op.ClearCpuset c) {
                if (exists(path + ".cgroup", c.cgroup())) live.get(c.cgroup()).cpus = null;
            } else if (op instanceof Op.SwapCpusets sw) {
                boolean ok = exists(path + ".a", sw.a()) & exists(path + ".b", sw.b());
                if (ok) {
                    Cg a = live.get(sw.a()), b = live.get(sw.b());
                    List<Integer> ca = a.cpus, cb = b.cpus;
                    if (ca != null) b.cpus = ca; // only cpusets that are set move, as the agent does
                    if (cb != null) a.cpus = cb;
                }
            } else if (op instanceof Op.Spawn sp) {
                if (exists(path + ".cgroup", sp.cgroup())) work(path, ".work", sp.cgroup(), sp.work());
            } else if (op instanceof Op.StopCgroup st) {
                if (exists(path + ".cgroup", st.cgroup())) notBackdrop(path + ".cgroup", st.cgroup(), "stop_cgroup");
            } else if (op instanceof Op.SetAffinity sa) {
                if (exists(path + ".cgroup", sa.cgroup()))
                    affinity(path, path + ".affinity", sa.affinity(), effective(sa.cgroup()));
            } else if (op instanceof Op.SpawnHost sh) {
                work(path, ".work", null, sh.work());
            } else if (op instanceof Op.MoveAllTasks m) {
                boolean ok = exists(path + ".from", m.from()) & exists(path + ".to", m.to());
                if (ok && live.get(m.from()).backdrop && !live.get(m.to()).backdrop)
                    problem(path + ".to", "'" + m.to() + "' is a step cgroup but '" + m.from() + "' belongs to the "
                            + "backdrop; its workers would be stranded when the step ends");
            } else if (op instanceof Op.RunPayload rp) {
                if (!TOKEN.matcher(rp.payload()).matches())
                    problem(path + ".payload", "'" + rp.payload() + "' may not contain spaces or '='");
                for (int i = 0; i < rp.args().size(); i++)
                    if (!TOKEN.matcher(rp.args().get(i)).matches())
                        problem(path + ".args[" + i + "]", "'" + rp.args().get(i)
                                + "' is empty or contains spaces or '='; the agent passes arguments as single words");
                if (rp.cgroup() != null && !exists(path + ".cgroup", rp.cgroup())) return;
                String key = rp.payload() + "\0" + (rp.cgroup() == null ? "" : rp.cgroup());
                if (payloads.containsKey(key))
                    problem(path + ".payload", "'" + rp.payload() + "' is already running there; wait or kill it first");
                else payloads.put(key, false);
            } else if (op instanceof Op.WaitPayload wp) {
                payloadEnds(path, wp.name(), wp.cgroup());
            } else if (op instanceof Op.KillPayload kp) {
                payloadEnds(path, kp.name(), kp.cgroup());
            }
        }

        void payloadEnds(String path, String name, String cgroup) {
            List<String> match = new ArrayList<>();
            for (String k : payloads.keySet()) {
                String[] nc = k.split("\0", -1);
                if (nc[0].equals(name) && (cgroup == null || nc[1].equals(cgroup))) match.add(k);
            }
            if (match.isEmpty())
                problem(path + ".name", "payload '" + name + "' is not running at this point (start it with run_payload)");
            else if (match.size() > 1)
                problem(path + ".cgroup", "payload '" + name + "' runs in several cgroups; name one");
            else payloads.remove(match.get(0));
        }
    }

    static String parent(String name) {
        int i = name.lastIndexOf('/');
        return i < 0 ? null : name.substring(0, i);
    }

    static String describe(CpusetSpec spec) {
        if (spec instanceof CpusetSpec.Range r) return "range [" + r.startFrac() + ", " + r.endFrac() + ")";
        if (spec instanceof CpusetSpec.Disjoint d) return "disjoint " + d.index() + " of " + d.of();
        if (spec instanceof CpusetSpec.Overlap o) return "overlap " + o.index() + " of " + o.of() + " (frac " + o.frac() + ")";
        if (spec instanceof CpusetSpec.Llc l) return "llc " + l.index();
        if (spec instanceof CpusetSpec.Numa n) return "numa node " + n.node();
        if (spec instanceof CpusetSpec.Exact x) return "exact " + x.cpus();
        return spec.toString();
    }
}
