package io.ktstr4j.pipeline.checks;

import io.ktstr4j.schemas.spec.AssertThresholds;
import io.ktstr4j.schemas.spec.Thresholds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Host-side worker checks over the reports of every cgroup: starvation, fairness spread, scheduling gap, cpuset
 * isolation (opt-in) and the benchmark checks (all off unless a threshold is set). Pure: same input, same result.
 */
public final class WorkerChecks {

    /**
     * Result: the findings that should fail the run, the checks that could not be judged for lack of data
     * (they make the run INCONCLUSIVE rather than a vacuous pass) and the per-cgroup numbers behind them.
     */
    public record Result(List<Finding> findings, List<Finding> unjudged, List<CgroupSummary> cgroups) {
        public Result {
            findings = List.copyOf(findings);
            unjudged = List.copyOf(unjudged);
            cgroups = List.copyOf(cgroups);
        }
    }

    private WorkerChecks() {
    }

    public static Result evaluate(List<CgroupReports> cgroups, Thresholds t) {
        List<Finding> findings = new ArrayList<>();
        List<Finding> unjudged = new ArrayList<>();
        List<CgroupSummary> summaries = new ArrayList<>();
        if (cgroups.isEmpty() || cgroups.stream().allMatch(c -> c.workers().isEmpty())) {
            unjudged.add(new Finding(FindingKind.OTHER, "no worker reports: the worker checks had nothing to judge"));
        }
        for (CgroupReports cg : cgroups) {
            summaries.add(evaluateCgroup(cg, t.values(), findings, unjudged));
        }
        return new Result(findings, unjudged, summaries);
    }

    private static CgroupSummary evaluateCgroup(CgroupReports cg, AssertThresholds t, List<Finding> out,
                                                List<Finding> unjudged) {
        List<WorkerSample> ws = cg.workers();
        String name = cg.cgroup();
        // Messengers (fan-out wakers) do different work from their receivers; comparing them would be noise.
        List<WorkerSample> peers = ws.stream().filter(w -> !w.messenger()).toList();

        if (t.notStarved()) {
            for (WorkerSample w : ws) {
                if (w.workUnits() == 0) {
                    out.add(new Finding(FindingKind.STARVED, String.format(Locale.ROOT,
                            "starved: worker tid %d in cgroup %s did 0 work units in %d ms",
                            w.tid(), name, w.wallTimeNs() / 1_000_000)));
                }
            }
        }

        double minOff = peers.stream().mapToDouble(WorkerSample::offCpuPct).min().orElse(0);
        double maxOff = peers.stream().mapToDouble(WorkerSample::offCpuPct).max().orElse(0);
        double avgOff = peers.stream().mapToDouble(WorkerSample::offCpuPct).average().orElse(0);
        double spread = peers.size() >= 2 ? maxOff - minOff : 0.0;
        if (t.notStarved() && spread > t.maxSpreadPct()) {
            out.add(new Finding(FindingKind.UNFAIR, String.format(Locale.ROOT,
                    "unfair: cgroup %s off-CPU spread %.1f%% (%.1f%%..%.1f%% over %d workers) > %.1f%%",
                    name, spread, minOff, maxOff, peers.size(), t.maxSpreadPct())));
        }

        WorkerSample worstGap = null;
        for (WorkerSample w : ws) {
            if (worstGap == null || w.maxGapMs() > worstGap.maxGapMs()) {
                worstGap = w;
            }
        }
        long maxGap = worstGap == null ? 0 : worstGap.maxGapMs();
        int maxGapCpu = worstGap == null ? -1 : worstGap.maxGapCpu();
        if (t.notStarved()) {
            for (WorkerSample w : ws) {
                if (w.maxGapMs() > t.maxGapMs()) {
                    out.add(new Finding(FindingKind.STUCK, String.format(Locale.ROOT,
                            "stuck %dms on cpu%d at +%dms: worker tid %d in cgroup %s (limit %d ms)",
                            w.maxGapMs(), w.maxGapCpu(), w.maxGapAtMs(), w.tid(), name, t.maxGapMs())));
                }
            }
        }

        Set<Integer> allCpus = new TreeSet<>();
        ws.forEach(w -> allCpus.addAll(w.cpusUsed()));
        if (t.isolation() && !cg.cpuset().isEmpty()) {
            for (WorkerSample w : ws) {
                Set<Integer> outside = new TreeSet<>(w.cpusUsed());
                outside.removeAll(cg.cpuset());
                if (!outside.isEmpty()) {
                    out.add(new Finding(FindingKind.ISOLATION, String.format(Locale.ROOT,
                            "isolation: worker tid %d in cgroup %s ran on cpus %s outside its cpuset %s",
                            w.tid(), name, outside, new TreeSet<>(cg.cpuset()))));
                }
            }
        }

        long totalMigrations = ws.stream().mapToLong(WorkerSample::migrationCount).sum();
        long totalIterations = ws.stream().mapToLong(WorkerSample::iterations).sum();
        double migrationRatio = totalIterations == 0 ? 0.0 : (double) totalMigrations / totalIterations;
        if (t.maxMigrationRatio() != null && migrationRatio > t.maxMigrationRatio()) {
            out.add(new Finding(FindingKind.MIGRATION, String.format(Locale.ROOT,
                    "migration: cgroup %s migration ratio %.4f (%d migrations / %d iterations) > %.4f",
                    name, migrationRatio, totalMigrations, totalIterations, t.maxMigrationRatio())));
        }

        // Throughput: work units per wall second, compared across peer workers (pooled per cgroup, as ktstr).
        double[] rates = peers.stream().filter(w -> w.wallTimeNs() > 0)
                .mapToDouble(w -> w.workUnits() / w.wallSeconds()).toArray();
        Double throughputCv = rates.length >= 2 ? Stats.cv(rates) : null;
        if (t.maxThroughputCv() != null && throughputCv != null && throughputCv > t.maxThroughputCv()) {
            out.add(new Finding(FindingKind.BENCHMARK, String.format(Locale.ROOT,
                    "benchmark: cgroup %s throughput CV %.3f > %.3f", name, throughputCv, t.maxThroughputCv())));
        }
        if (t.minWorkRate() != null) {
            for (WorkerSample w : peers) {
                double rate = w.wallTimeNs() > 0 ? w.workUnits() / w.wallSeconds() : 0.0;
                if (rate < t.minWorkRate()) {
                    out.add(new Finding(FindingKind.BENCHMARK, String.format(Locale.ROOT,
                            "benchmark: worker tid %d in cgroup %s work rate %.1f/s < %.1f/s",
                            w.tid(), name, rate, t.minWorkRate())));
                }
            }
        }
        if (t.minIterationRate() != null) {
            for (WorkerSample w : peers) {
                double rate = w.wallTimeNs() > 0 ? w.iterations() / w.wallSeconds() : 0.0;
                if (rate < t.minIterationRate()) {
                    out.add(new Finding(FindingKind.BENCHMARK, String.format(Locale.ROOT,
                            "benchmark: worker tid %d in cgroup %s iteration rate %.1f/s < %.1f/s",
                            w.tid(), name, rate, t.minIterationRate())));
                }
            }
        }

        long[] lat = peers.stream().flatMap(w -> w.resumeLatenciesNs().stream()).mapToLong(Long::longValue).toArray();
        Double p99Us = null;
        Double medianUs = null;
        Double latCv = null;
        if (lat.length > 0) {
            long p99 = Stats.percentileNearestRank(lat, 99);
            p99Us = p99 / 1000.0;
            medianUs = Stats.percentileNearestRank(lat, 50) / 1000.0;
            double[] d = new double[lat.length];
            for (int i = 0; i < lat.length; i++) {
                d[i] = lat[i];
            }
            latCv = Stats.cv(d);
            if (t.maxP99WakeLatencyNs() != null && p99 > t.maxP99WakeLatencyNs()) {
                out.add(new Finding(FindingKind.BENCHMARK, String.format(Locale.ROOT,
                        "benchmark: cgroup %s p99 wake latency %d ns > %d ns (%d samples)",
                        name, p99, t.maxP99WakeLatencyNs(), lat.length)));
            }
            if (t.maxWakeLatencyCv() != null && latCv > t.maxWakeLatencyCv()) {
                out.add(new Finding(FindingKind.BENCHMARK, String.format(Locale.ROOT,
                        "benchmark: cgroup %s wake latency CV %.3f > %.3f", name, latCv, t.maxWakeLatencyCv())));
            }
        } else if (t.maxP99WakeLatencyNs() != null || t.maxWakeLatencyCv() != null) {
            unjudged.add(new Finding(FindingKind.BENCHMARK, "benchmark: cgroup " + name
                    + " has a wake-latency threshold but its workers recorded no wake latencies"));
        }

        long totalPages = ws.stream().flatMap(w -> w.numaPages().values().stream()).mapToLong(Long::longValue).sum();
        Double locality = null;
        if (totalPages > 0 && !cg.localNodes().isEmpty()) {
            long local = ws.stream().flatMap(w -> w.numaPages().entrySet().stream())
                    .filter(e -> cg.localNodes().contains(e.getKey())).mapToLong(e -> e.getValue()).sum();
            locality = (double) local / totalPages;
            if (t.minPageLocality() != null && locality < t.minPageLocality()) {
                out.add(new Finding(FindingKind.PAGE_LOCALITY, String.format(Locale.ROOT,
                        "page locality: cgroup %s has %.3f of its pages on nodes %s, < %.3f",
                        name, locality, new TreeSet<>(cg.localNodes()), t.minPageLocality())));
            }
        }
        Double crossNode = null;
        if (totalPages > 0) {
            long migrated = ws.stream().mapToLong(WorkerSample::numaPagesMigrated).sum();
            crossNode = (double) migrated / totalPages;
            if (t.maxCrossNodeMigrationRatio() != null && crossNode > t.maxCrossNodeMigrationRatio()) {
                out.add(new Finding(FindingKind.CROSS_NODE_MIGRATION, String.format(Locale.ROOT,
                        "cross-node migration: cgroup %s migrated %.3f of its pages across nodes, > %.3f",
                        name, crossNode, t.maxCrossNodeMigrationRatio())));
            }
        }
        Double slowTier = null;
        if (totalPages > 0 && !cg.slowNodes().isEmpty()) {
            long slow = ws.stream().flatMap(w -> w.numaPages().entrySet().stream())
                    .filter(e -> cg.slowNodes().contains(e.getKey())).mapToLong(e -> e.getValue()).sum();
            slowTier = (double) slow / totalPages;
            if (t.maxSlowTierRatio() != null && slowTier > t.maxSlowTierRatio()) {
                out.add(new Finding(FindingKind.SLOW_TIER, String.format(Locale.ROOT,
                        "slow tier: cgroup %s has %.3f of its pages on memory-only nodes %s, > %.3f",
                        name, slowTier, new TreeSet<>(cg.slowNodes()), t.maxSlowTierRatio())));
            }
        }
        if ((t.minPageLocality() != null || t.maxCrossNodeMigrationRatio() != null) && totalPages == 0) {
            unjudged.add(new Finding(FindingKind.PAGE_LOCALITY, "numa: cgroup " + name
                    + " has a NUMA threshold but its workers reported no NUMA pages"));
        }

        // Every worker counts, messengers too (as ktstr): waiting for a CPU is what the scheduler did to each of them.
        double meanRunDelayUs = ws.stream().mapToDouble(w -> w.runDelayNs() / 1000.0).average().orElse(0);
        double worstRunDelayUs = ws.stream().mapToDouble(w -> w.runDelayNs() / 1000.0).max().orElse(0);

        Set<Integer> cpus = new HashSet<>(cg.cpuset().isEmpty() ? allCpus : cg.cpuset());
        return new CgroupSummary(name, ws.size(), cpus.size(), avgOff, minOff, maxOff, spread, maxGap, maxGapCpu,
                totalMigrations, migrationRatio, p99Us, medianUs, latCv, totalIterations, locality, crossNode,
                slowTier, throughputCv, meanRunDelayUs, worstRunDelayUs);
    }
}
