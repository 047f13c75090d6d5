package io.ktstr4j.pipeline;

import io.ktstr4j.pipeline.checks.CgroupReports;
import io.ktstr4j.pipeline.checks.CgroupSummary;
import io.ktstr4j.pipeline.checks.FailureReportBuilder;
import io.ktstr4j.pipeline.checks.MonitorConclusion;
import io.ktstr4j.pipeline.checks.MonitorEvaluator;
import io.ktstr4j.pipeline.checks.RunFacts;
import io.ktstr4j.pipeline.checks.TimelineBuilder;
import io.ktstr4j.pipeline.checks.VerdictMerger;
import io.ktstr4j.pipeline.checks.WorkerChecks;
import io.ktstr4j.pipeline.kernel.KernelInfo;
import io.ktstr4j.pipeline.scenario.CpusetResolver;
import io.ktstr4j.schemas.event.FailureReport;
import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.failure.Timeline;
import io.ktstr4j.schemas.report.CgroupStats;
import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.sidecar.HostContext;
import io.ktstr4j.schemas.sidecar.KvmStats;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns what a {@link RunRecorder} saw into the verdict, the failure report (non-pass only) and the sidecar.
 * Pure apart from reading the recorder.
 */
public final class Evaluation {

    /** Everything evaluation produces for one run. */
    public record Outcomes(Verdict verdict, RunFacts facts, FailureReport failureReport, SidecarResult sidecar) {
    }

    private Evaluation() {
    }

    /** The baseline results a judged variant is compared with ({@code relative_to}). */
    @FunctionalInterface
    public interface BaselineLookup {
        Optional<SidecarResult> find(String runId, String variantKey);
    }

    /**
     * Evaluates one run; a variant judged against a baseline ({@link VariantRelation.JudgedAgainst}) is compared with
     * the baseline's result from {@code baselines}.
     *
     * @param host the host the VM ran on (the sidecar's {@code host}; its online CPUs give {@code cpu_overcommit})
     * @param tcg  the backend emulated the guest in software (QEMU TCG); recorded once a VM was created
     */
    public static Outcomes evaluate(String runId, Variant v, RunRecorder rec, Instant startedAt, boolean monitorRan,
                                    HostContext host, boolean tcg, BaselineLookup baselines) {
        List<CgroupReports> cgroups = withCpusets(rec.cgroups(), v);
        WorkerChecks.Result workers = cgroups == null ? null : WorkerChecks.evaluate(cgroups, v.thresholds());
        MonitorConclusion monitor = null;
        List<MonitorSample> samples = rec.judgedSamples();
        if (monitorRan) {
            MonitorEvaluator ev = new MonitorEvaluator(v.thresholds());
            samples.forEach(ev::accept);
            monitor = ev.finish();
        }
        VmExited exit = rec.vmExited();
        RunFacts facts = new RunFacts(v.scheduler().isSchedExt(), rec.result(), workers, monitor, rec.schedExit(),
                rec.lastInitStage(), rec.scenarioStarted(), rec.crash(), exit == null ? null : exit.reason(),
                rec.exitCode(), exit == null ? null : exit.detail(), rec.cleanupMs(), rec.infrastructureErrorMessage(),
                rec.monitorProblem(), rec.guestProtocolProblem());
        List<String> schedulerLog = FailureReportBuilder.extractSchedulerLog(rec.com2Lines());
        Verdict verdict = withSchedulerOutput(VerdictMerger.merge(facts, v.thresholds()), schedulerLog);
        ScenarioStats stats = workers != null ? stats(workers.cgroups())
                : rec.result() != null ? rec.result().stats() : ScenarioStats.empty();
        RunTimings t = rec.timings();
        boolean vmCreated = rec.backend() != null;
        SidecarResult.Builder sidecar = sidecarBase(runId, v, startedAt, host)
                .metrics(rec.metrics())
                .stats(stats)
                .monitor(monitor == null ? null : monitor.summary())
                .stimulusEvents(TimelineBuilder.sidecarEvents(rec.stimuli()))
                .kvmStats(kvmTotals(rec.samples()))
                .cleanupDurationMs(rec.cleanupMs())
                .backend(rec.backend())
                .cpuOvercommit(vmCreated ? overcommit(v, host) : null)
                .tcg(vmCreated ? tcg : null)
                .durationMs(t.wallMs());
        if (v.relation() instanceof VariantRelation.JudgedAgainst rel) {
            SidecarResult measured = withVerdict(sidecar, verdict).build(); // the metrics, before the ratios judge
            verdict = RelativeJudge.apply(verdict, measured, rel, baselines.find(runId, rel.baselineKey()));
        }
        verdict = expected(verdict, v.expectErr());
        long scenarioMs = rec.scenarioMs();
        Timeline timeline = TimelineBuilder.build(v.kernel() == null ? null : v.kernel().toString(),
                v.topology().label(), v.scheduler().name(), rec.stimuli(), samples, rec.scenarioStartSinceVmMs(),
                Math.max(0, scenarioMs));
        FailureReport report = null;
        if (verdict.outcome() != Outcome.PASS && verdict.outcome() != Outcome.SKIP) {
            report = FailureReportBuilder.build(runId, v.key(), verdict, facts, rec.consoleLines(), schedulerLog,
                    timeline);
        }
        return new Outcomes(verdict, facts, report, withVerdict(sidecar, verdict).build());
    }

    /** Lines of the scheduler's own output a SchedulerDied reason carries: a verifier rejection fits in them. */
    static final int SCHEDULER_OUTPUT_LINES = 20;

    /**
     * A scheduler that died (or never loaded) says why in its own output (the loader's error, the verifier's log):
     * its last lines join the SchedulerDied reason, so the verdict shows them without opening the failure report.
     */
    static Verdict withSchedulerOutput(Verdict verdict, List<String> schedulerLog) {
        if (schedulerLog.isEmpty() || verdict.reasons().stream().noneMatch(r -> r.kind() == DetailKind.SCHEDULER_DIED)) {
            return verdict;
        }
        List<String> tail = schedulerLog.subList(Math.max(0, schedulerLog.size() - SCHEDULER_OUTPUT_LINES),
                schedulerLog.size());
        String out = "\n  scheduler output" + (tail.size() < schedulerLog.size() ? " (last " + tail.size() + " of "
                + schedulerLog.size() + " lines)" : "") + ":\n    " + String.join("\n    ", tail.stream()
                .map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l).toList());
        List<Reason> rs = new ArrayList<>();
        boolean added = false;
        for (Reason r : verdict.reasons()) {
            if (!added && r.kind() == DetailKind.SCHEDULER_DIED) {
                rs.add(new Reason(r.kind(), r.message() + out));
                added = true;
            } else {
                rs.add(r);
            }
        }
        return new Verdict(verdict.outcome(), rs, verdict.thresholds());
    }

    /** The sidecar's verdict fields. */
    private static SidecarResult.Builder withVerdict(SidecarResult.Builder b, Verdict verdict) {
        return b.passed(verdict.outcome().ktstrPassed())
                .skipped(verdict.outcome().ktstrSkipped())
                .outcome(verdict.outcome())
                .reasons(verdict.reasons())
                .resolvedThresholds(verdict.thresholds());
    }

    /**
     * The sidecar fields that come from the variant, what it tested and the run's identity, whatever happened in the
     * run.
     */
    private static SidecarResult.Builder sidecarBase(String runId, Variant v, Instant startedAt, HostContext host) {
        return SidecarResult.builder()
                .testName(v.testName())
                .topology(v.topology().label())
                .scheduler(v.scheduler().name())
                .schedulerCommit(ProjectInfo.schedulerCommit(v.scheduler().binary()))
                .projectCommit(ProjectInfo.projectCommit(v.projectDir()))
                .workType(v.workType())
                .activeFlags(v.scheduler().flags())
                .sysctls(v.sysctls())
                .kargs(v.extraKargs())
                .kernelVersion(KernelInfo.version(v.kernel()))
                .kernelCommit(KernelInfo.commit(v.kernel()))
                .host(host)
                .timestamp(startedAt.toString())
                .runId(runId)
                .runSource(System.getenv("KTSTR_CI") != null ? "ci" : "local")
                .variantKey(v.key())
                .variantHash(VariantHash.hex(VariantHash.of(v.topology().label(), v.scheduler().name(), null,
                        v.workType(), v.scheduler().flags(), v.sysctls(), v.extraKargs())));
    }

    /**
     * {@code cpu_overcommit}: the guest's vCPUs per online host CPU (1 vCPU thread each); null when the host's CPU
     * count is unknown. Other runs on the host at the same time are not counted.
     */
    static Double overcommit(Variant v, HostContext host) {
        Integer hostCpus = host == null ? null : host.onlineCpus();
        return hostCpus == null || hostCpus <= 0 ? null : (double) v.topology().totalCpus() / hostCpus;
    }

    /**
     * The sidecar's {@code kvm_stats} (ktstr's per-vCPU totals): each vCPU's last KVM counters in the run's monitor
     * samples; null when no sample had any (QEMU, or no monitor).
     */
    static KvmStats kvmTotals(List<MonitorSample> samples) {
        List<Map<String, Long>> last = new ArrayList<>();
        boolean any = false;
        for (MonitorSample s : samples) {
            for (int c = 0; c < s.cpus().size(); c++) {
                while (last.size() <= c) {
                    last.add(Map.of());
                }
                Map<String, Long> k = s.cpus().get(c).kvmStats();
                if (k != null) {
                    last.set(c, k);
                    any = true;
                }
            }
        }
        return any ? new KvmStats(last) : null;
    }

    /**
     * {@code expect_err}: the test is meant to fail, so a FAIL passes (its reasons kept, marked expected) and a PASS
     * fails. ERROR, SKIP and INCONCLUSIVE stay: the harness or the evidence failed, not the scheduler.
     */
    static Verdict expected(Verdict v, boolean expectErr) {
        if (!expectErr) {
            return v;
        }
        if (v.outcome() == Outcome.FAIL) {
            List<Reason> rs = new ArrayList<>();
            for (var r : v.reasons()) {
                rs.add(new Reason(r.kind(), "expected (expect_err): " + r.message()));
            }
            return new Verdict(Outcome.PASS, rs, v.thresholds());
        }
        if (v.outcome() == Outcome.PASS) {
            return new Verdict(Outcome.FAIL, List.of(new Reason(
                    DetailKind.OTHER,
                    "expect_err: the test was expected to fail but passed every check")), v.thresholds());
        }
        return v;
    }

    /** Adds each judged cgroup's cpuset from the plan (and the NUMA nodes of those CPUs) to its reports. */
    static List<CgroupReports> withCpusets(List<CgroupReports> cgroups, Variant v) {
        if (cgroups == null) {
            return null;
        }
        Map<String, Set<Integer>> allowed = PlanCpusets.allowed(v.plan());
        CpusetResolver resolver = new CpusetResolver(v.topology());
        List<CgroupReports> out = new ArrayList<>();
        for (CgroupReports cg : cgroups) {
            Set<Integer> cpus = allowed.get(cg.cgroup());
            if (cpus == null || !cg.cpuset().isEmpty()) {
                out.add(cg);
                continue;
            }
            Set<Integer> nodes = new TreeSet<>(resolver.nodesOf(new ArrayList<>(cpus)));
            out.add(new CgroupReports(cg.cgroup(), cg.workers(), cpus, cg.localNodes().isEmpty() ? nodes
                    : cg.localNodes(), cg.slowNodes()));
        }
        return out;
    }

    /** A variant that could not run on its topology: SKIP with the reason, no VM booted. */
    public static Outcomes skipped(String runId, Variant v, Instant startedAt, HostContext host) {
        Verdict verdict = new Verdict(Outcome.SKIP, List.of(new Reason(
                DetailKind.SKIP, v.skipReason())), v.thresholds().values());
        SidecarResult sidecar = sidecarBase(runId, v, startedAt, host)
                .passed(true)
                .skipped(true)
                .stats(ScenarioStats.empty())
                .outcome(Outcome.SKIP)
                .reasons(verdict.reasons())
                .resolvedThresholds(verdict.thresholds())
                .durationMs(0L)
                .build();
        return new Outcomes(verdict, null, null, sidecar);
    }

    /**
     * ktstr's ScenarioStats from the per-cgroup summaries (worst-of and sums); {@code worst_mean_run_delay_us} is the
     * largest cgroup mean run delay, {@code worst_run_delay_us} the largest single worker's.
     */
    static ScenarioStats stats(List<CgroupSummary> cgs) {
        List<CgroupStats> out = new ArrayList<>();
        int workers = 0;
        int cpus = 0;
        long migrations = 0;
        long iterations = 0;
        double worstSpread = 0;
        long worstGap = 0;
        int worstGapCpu = 0;
        double worstMig = 0;
        double worstP99 = 0;
        double worstMedian = 0;
        double worstCv = 0;
        double worstLocality = cgs.isEmpty() ? 0 : 1;
        double worstCross = 0;
        double worstTail = 0;
        double worstIterPerWorker = 0;
        double worstMeanRunDelay = 0;
        double worstRunDelay = 0;
        for (CgroupSummary c : cgs) {
            double p99 = nz(c.p99WakeLatencyUs());
            double med = nz(c.medianWakeLatencyUs());
            double tail = med > 0 ? p99 / med : 0;
            double ipw = c.numWorkers() == 0 ? 0 : (double) c.totalIterations() / c.numWorkers();
            out.add(new CgroupStats(c.numWorkers(), c.numCpus(), c.avgOffCpuPct(), c.minOffCpuPct(),
                    c.maxOffCpuPct(), c.spread(), c.maxGapMs(), c.maxGapCpu(), c.totalMigrations(),
                    c.migrationRatio(), p99, med, nz(c.wakeLatencyCv()), c.totalIterations(), c.meanRunDelayUs(),
                    c.worstRunDelayUs(),
                    c.pageLocality() == null ? 0 : c.pageLocality(), nz(c.crossNodeMigrationRatio()), tail, ipw,
                    Map.of()));
            workers += c.numWorkers();
            cpus += c.numCpus();
            migrations += c.totalMigrations();
            iterations += c.totalIterations();
            worstSpread = Math.max(worstSpread, c.spread());
            if (c.maxGapMs() > worstGap) {
                worstGap = c.maxGapMs();
                worstGapCpu = c.maxGapCpu();
            }
            worstMig = Math.max(worstMig, c.migrationRatio());
            worstP99 = Math.max(worstP99, p99);
            worstMedian = Math.max(worstMedian, med);
            worstCv = Math.max(worstCv, nz(c.wakeLatencyCv()));
            if (c.pageLocality() != null) {
                worstLocality = Math.min(worstLocality, c.pageLocality());
            }
            worstCross = Math.max(worstCross, nz(c.crossNodeMigrationRatio()));
            worstTail = Math.max(worstTail, tail);
            worstIterPerWorker = Math.max(worstIterPerWorker, ipw);
            worstMeanRunDelay = Math.max(worstMeanRunDelay, c.meanRunDelayUs());
            worstRunDelay = Math.max(worstRunDelay, c.worstRunDelayUs());
        }
        return new ScenarioStats(out, workers, cpus, migrations, worstSpread, worstGap, worstGapCpu, worstMig,
                worstP99, worstMedian, worstCv, iterations, worstMeanRunDelay, worstRunDelay, worstLocality, worstCross,
                worstTail, worstIterPerWorker, Map.of());
    }

    private static double nz(Double d) {
        return d == null ? 0.0 : d;
    }
}
