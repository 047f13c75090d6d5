package io.ktstr4j.pipeline.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.plan.Phase;
import io.ktstr4j.schemas.plan.WorkType;
import io.ktstr4j.schemas.report.ExitInfo;
import io.ktstr4j.schemas.report.WorkerReport;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a worker report of each work type must show after a short run: real work and the fields that type fills.
 * The per-type rules follow what the agent's workers do ({@code vmm/guest/src/main/c/agent/scenario/sc_work.c}): how many
 * work units one outer iteration adds, which waits record a wake/resume latency sample, and how paired or grouped
 * workers relate to each other. The last iteration may have been cut short by the stop signal, so bounds allow one
 * partial iteration.
 */
final class WorkerExpectations {
    private WorkerExpectations() {}

    /** The sequence every run uses: one phase of each kind, so one loop spins, sleeps, yields and writes. */
    static final List<Phase> SEQUENCE_PHASES = List.of(new Phase(Phase.Kind.SPIN, 10), new Phase(Phase.Kind.SLEEP, 10),
            new Phase(Phase.Kind.YIELD, 10), new Phase(Phase.Kind.IO, 10));

    /**
     * Every work type except ktstr's Custom (19), with parameters that show the type's behaviour within a few hundred
     * milliseconds (small fan-outs and matrices, short bursts); the rest are ktstr's defaults.
     */
    static List<WorkType> allTypes() {
        return List.of(
                new WorkType.CpuSpin(),
                new WorkType.YieldHeavy(),
                new WorkType.Mixed(),
                new WorkType.IoSync(),
                new WorkType.Bursty(20L, 20L),
                new WorkType.PipeIo(null),
                new WorkType.FutexPingPong(null),
                new WorkType.CachePressure(null, null),
                new WorkType.CacheYield(null, null),
                new WorkType.CachePipe(null, null),
                new WorkType.FutexFanOut(2, null),
                new WorkType.FanOutCompute(2, 64L, 2, 100L),
                new WorkType.Sequence(SEQUENCE_PHASES),
                new WorkType.ForkExit(),
                new WorkType.NiceSweep(),
                new WorkType.AffinityChurn(null),
                new WorkType.PolicyChurn(null),
                new WorkType.PageFaultChurn(null, null, null),
                new WorkType.MutexContention(3, null, null));
    }

    /** The work types {@link #allTypes} leaves out of the sealed interface's kinds (must stay empty). */
    static Set<String> missingTypes(List<WorkType> types) {
        Set<String> have = types.stream().map(WorkType::pascalName).collect(Collectors.toSet());
        return Arrays.stream(WorkType.class.getPermittedSubclasses()).map(Class::getSimpleName)
                .filter(n -> !have.contains(n)).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** Workers per cgroup: one group of a grouped type, else 2 (so spreads and pairs have peers). */
    static int workersFor(WorkType t) {
        if (t instanceof WorkType.MutexContention m) return m.contenders();
        return Math.max(2, t.workerGroupSize());
    }

    /** A snake_case id for cgroup names and labels ({@code FutexFanOut} → {@code futex_fan_out}). */
    static String id(WorkType t) {
        return t.pascalName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Wake/resume latency samples are expected from every type that blocks, sleeps or yields on purpose. */
    static boolean recordsLatency(WorkType t, WorkerReport r) {
        if (t instanceof WorkType.FutexFanOut || t instanceof WorkType.FanOutCompute) return !r.isMessenger();
        return !(t instanceof WorkType.CpuSpin || t instanceof WorkType.YieldHeavy || t instanceof WorkType.Mixed
                || t instanceof WorkType.CachePressure || t instanceof WorkType.PageFaultChurn
                || t instanceof WorkType.MutexContention);
    }

    /** Types whose workers sleep or wait on purpose every iteration (so they are switched out and back in). */
    static boolean blocks(WorkType t, WorkerReport r) {
        if (t instanceof WorkType.FutexFanOut || t instanceof WorkType.FanOutCompute) return !r.isMessenger();
        return t instanceof WorkType.IoSync || t instanceof WorkType.Bursty || t instanceof WorkType.PipeIo
                || t instanceof WorkType.FutexPingPong || t instanceof WorkType.CachePipe
                || t instanceof WorkType.Sequence || t instanceof WorkType.ForkExit;
    }

    /**
     * Work units one complete outer iteration adds, or -1 where it depends on time (Bursty, Sequence) or on the
     * wake-ups (FanOutCompute receivers).
     */
    static long unitsPerIteration(WorkType t, boolean messenger) {
        if (t instanceof WorkType.CpuSpin || t instanceof WorkType.Mixed) return 1024;  // spin(1024) (then yield)
        if (t instanceof WorkType.YieldHeavy || t instanceof WorkType.ForkExit) return 1; // one yield / one fork
        if (t instanceof WorkType.IoSync) return 16;                                       // 16 writes of 4 KiB
        if (t instanceof WorkType.PipeIo p) return p.burstIters();
        if (t instanceof WorkType.FutexPingPong f) return f.spinIters();
        if (t instanceof WorkType.CachePressure || t instanceof WorkType.CacheYield) return 1024; // read-modify-writes
        if (t instanceof WorkType.CachePipe c) return c.burstIters();
        if (t instanceof WorkType.FutexFanOut f) return f.spinIters() + (messenger ? 256 : 0); // messenger spins 256 after waking
        if (t instanceof WorkType.FanOutCompute) return messenger ? 256 : -1;
        if (t instanceof WorkType.NiceSweep) return 512;
        if (t instanceof WorkType.AffinityChurn a) return a.spinIters();
        if (t instanceof WorkType.PolicyChurn p) return p.spinIters();
        if (t instanceof WorkType.PageFaultChurn p) return p.touchesPerCycle() + p.spinIters(); // touches, then spin
        if (t instanceof WorkType.MutexContention m) return m.workIters() + m.holdIters();
        return -1; // Bursty, Sequence: time-bound
    }

    /** Side of the square u64 matrices a FanOutCompute worker multiplies (three of them fill the footprint). */
    static long matrixSide(WorkType.FanOutCompute f) {
        double side = (double) (f.cacheFootprintKb() * 1024 / 3 / 8);
        long n = 1;
        while ((double) ((n + 1) * (n + 1)) <= side) n++;
        return n;
    }

    static void check(String label, WorkType t, List<WorkerReport> reports, int workers, List<Integer> cpuset) {
        assertThat(reports).as(label + " report count").hasSize(workers);
        for (WorkerReport r : reports) {
            String who = label + " worker " + r.tid();
            assertThat(r.workUnits()).as(who + " work_units").isPositive();
            assertThat(r.iterations()).as(who + " iterations").isPositive();
            assertThat(r.completed()).as(who + " completed").isTrue();
            assertThat(r.exitInfo()).as(who + " exit_info").isEqualTo(new ExitInfo.Exited(0));
            assertThat(r.wallTimeNs()).as(who + " wall_time_ns").isPositive();
            assertThat(r.cpuTimeNs()).as(who + " cpu_time_ns").isPositive().isLessThanOrEqualTo(r.wallTimeNs() + 50_000_000L);
            assertThat(r.offCpuNs()).as(who + " off_cpu_ns").isEqualTo(Math.max(0, r.wallTimeNs() - r.cpuTimeNs()));
            assertThat(r.cpusUsed()).as(who + " cpus_used").isNotEmpty().isSubsetOf(cpuset);
            assertThat(r.migrations()).as(who + " migrations").hasSizeLessThanOrEqualTo((int) r.migrationCount());
            assertThat(r.migrations()).as(who + " migration cpus").allSatisfy(m -> {
                assertThat(m.fromCpu()).isNotEqualTo(m.toCpu());
                assertThat(List.of(m.fromCpu(), m.toCpu())).isSubsetOf(cpuset);
            });
            assertThat(r.resumeLatenciesNs().size()).as(who + " latency samples").isLessThanOrEqualTo(WorkerReport.MAX_WAKE_SAMPLES)
                    .isEqualTo((int) Math.min(r.wakeSampleTotal(), WorkerReport.MAX_WAKE_SAMPLES));
            assertThat(r.resumeLatenciesNs()).as(who + " latencies within the worker's life")
                    .allMatch(l -> l >= 0 && l <= r.wallTimeNs());
            if (recordsLatency(t, r))
                assertThat(r.resumeLatenciesNs()).as(who + " resume_latencies_ns").isNotEmpty();
            else if (!(t instanceof WorkType.MutexContention)) // contenders sample only when they had to wait
                assertThat(r.wakeSampleTotal()).as(who + " wake_sample_total of a type that never waits").isZero();
            // schedstat deltas from the worker's first run: a worker alone on its CPU that never blocks may never be
            // switched out (run count 0, as seen for YieldHeavy under TCG), but it was charged CPU time
            if (r.cpuTimeNs() >= 20_000_000L)
                assertThat(r.schedstatCpuTimeNs()).as(who + " schedstat_cpu_time_ns").isPositive();
            assertThat(r.schedstatRunDelayNs()).as(who + " schedstat_run_delay_ns").isLessThanOrEqualTo(r.wallTimeNs());
            if (blocks(t, r))
                assertThat(r.schedstatRunCount()).as(who + " schedstat_run_count of a worker that blocks").isPositive();
            assertThat(r.maxGapMs()).as(who + " max_gap_ms").isLessThanOrEqualTo(r.wallTimeNs() / 1_000_000);

            long u = unitsPerIteration(t, r.isMessenger());
            long it = r.iterations();
            if (u > 0)
                assertThat(r.workUnits()).as(who + " work_units for " + it + " iterations of " + u + " units")
                        .isBetween((it - 1) * u, it * u);
            checkType(who, t, r, cpuset);
        }
        checkGroups(label, t, reports);
    }

    /** What one worker's report shows for its type beyond the common fields. */
    private static void checkType(String who, WorkType t, WorkerReport r, List<Integer> cpuset) {
        long it = r.iterations();
        long wakes = r.wakeSampleTotal();
        if (t instanceof WorkType.YieldHeavy) {
            assertThat(r.workUnits()).as(who + " one unit per yield").isEqualTo(it);
        } else if (t instanceof WorkType.IoSync) {
            // every round's writes complete (no stop check inside), each round ends in a sampled 100 µs sleep
            assertThat(r.workUnits()).as(who + " 16 writes of 4 KiB per round").isEqualTo(16 * it);
            assertThat(wakes).as(who + " one sleep per round").isBetween(it - 1, it);
            assertThat(r.resumeLatenciesNs()).as(who + " sleeps last at least 100 µs").allMatch(l -> l >= 100_000L);
        } else if (t instanceof WorkType.Bursty b) {
            assertThat(wakes).as(who + " one sleep per burst").isBetween(it - 1, it);
            assertThat(r.resumeLatenciesNs()).as(who + " sleeps last sleep_ms").allMatch(l -> l >= b.sleepMs() * 1_000_000L);
            assertThat(r.wallTimeNs()).as(who + " each full iteration bursts burst_ms and sleeps sleep_ms")
                    .isGreaterThanOrEqualTo((it - 1) * (b.burstMs() + b.sleepMs()) * 1_000_000L);
            assertThat(r.workUnits()).as(who + " spins in 1024-unit chunks").isGreaterThanOrEqualTo((it - 1) * 1024);
        } else if (t instanceof WorkType.PipeIo || t instanceof WorkType.CachePipe) {
            assertThat(wakes).as(who + " one partner exchange per iteration").isBetween(it - 1, it);
        } else if (t instanceof WorkType.FutexPingPong) {
            assertThat(wakes).as(who + " one turn per iteration").isBetween(it - 1, it);
        } else if (t instanceof WorkType.CacheYield || t instanceof WorkType.NiceSweep
                || t instanceof WorkType.PolicyChurn) {
            assertThat(wakes).as(who + " one sampled yield per iteration").isEqualTo(it);
        } else if (t instanceof WorkType.AffinityChurn) {
            assertThat(wakes).as(who + " one sampled yield per re-pin").isEqualTo(it);
            if (cpuset.size() >= 2 && it >= 16) { // re-pinned to a random CPU of the cpuset every iteration
                assertThat(r.cpusUsed()).as(who + " cpus_used after " + it + " random re-pins").hasSizeGreaterThanOrEqualTo(2);
                assertThat(r.migrationCount()).as(who + " migration_count").isPositive();
            }
        } else if (t instanceof WorkType.FutexFanOut) {
            if (r.isMessenger()) assertThat(wakes).as(who + " the messenger never waits").isZero();
            else assertThat(wakes).as(who + " a receiver waits once per iteration").isBetween(it - 1, it);
        } else if (t instanceof WorkType.FanOutCompute f) {
            if (r.isMessenger()) {
                assertThat(wakes).as(who + " the messenger never waits").isZero();
            } else {
                long n = matrixSide(f);
                // every wake-up but the last ran all its matrix multiplications (n rows of n units, +1 each)
                assertThat(r.workUnits()).as(who + " %d wake-ups x %d multiplications of %dx%d matrices", wakes,
                        f.operations(), n, n).isGreaterThanOrEqualTo((wakes - 1) * f.operations() * (n * n + 1));
                assertThat(wakes).as(who + " one wake-up per iteration").isBetween(it - 1, it);
            }
        } else if (t instanceof WorkType.Sequence s) {
            long loopMs = s.phases().stream().mapToLong(Phase::ms).sum();
            assertThat(r.wallTimeNs()).as(who + " every full loop runs all phases (" + loopMs + " ms)")
                    .isGreaterThanOrEqualTo((it - 1) * loopMs * 1_000_000L);
            assertThat(wakes).as(who + " sleep/yield/io phases sample").isGreaterThanOrEqualTo(it - 1);
        } else if (t instanceof WorkType.ForkExit) {
            assertThat(r.workUnits()).as(who + " one fork per iteration").isEqualTo(it);
            assertThat(wakes).as(who + " every fork waited for").isEqualTo(r.workUnits());
        } else if (t instanceof WorkType.PageFaultChurn p) {
            // The report has no fault counter (ktstr's field set). Every cycle drops the region (MADV_DONTNEED) and
            // then write-faults touches_per_cycle random pages of it, one work unit per touch: at least the first
            // cycle's touches were done.
            assertThat(r.workUnits()).as(who + " page touches").isGreaterThanOrEqualTo(p.touchesPerCycle());
        }
    }

    /** One line per type for the test output: what each worker did. */
    static void print(String where, WorkType t, List<Integer> cpuset, List<WorkerReport> reports) {
        System.out.printf("%s %-15s cpus %-9s work_units %s iterations %s wake_samples %s cpus_used %s max_gap_ms %s%n",
                where, t.pascalName(), cpuset, col(reports, WorkerReport::workUnits), col(reports, WorkerReport::iterations),
                col(reports, WorkerReport::wakeSampleTotal), reports.stream().map(WorkerReport::cpusUsed).toList(),
                col(reports, WorkerReport::maxGapMs));
    }

    private static String col(List<WorkerReport> reports, java.util.function.ToLongFunction<WorkerReport> f) {
        return reports.stream().map(r -> String.valueOf(f.applyAsLong(r))).collect(Collectors.joining(",", "[", "]"));
    }

    /** Relations between the workers of one cgroup (reports come in worker index order). */
    private static void checkGroups(String label, WorkType t, List<WorkerReport> reports) {
        if (t.pairsWorkers()) // partners exchange in lock-step; the stop can cut one side's last exchange short
            for (int i = 0; i + 1 < reports.size(); i += 2) {
                WorkerReport a = reports.get(i), b = reports.get(i + 1);
                assertThat(Math.abs(a.iterations() - b.iterations())).as(label + " pair " + a.tid() + "/" + b.tid()
                        + " iterations " + a.iterations() + " vs " + b.iterations() + " in lock-step").isLessThanOrEqualTo(2);
            }
        if (t instanceof WorkType.FutexFanOut || t instanceof WorkType.FanOutCompute) {
            int g = t.workerGroupSize();
            assertThat(reports.stream().filter(WorkerReport::isMessenger).count()).as(label + " messengers")
                    .isEqualTo(reports.size() / g);
            for (int i = 0; i + g <= reports.size(); i += g) {
                WorkerReport m = reports.get(i);
                assertThat(m.isMessenger()).as(label + " worker " + i + " leads its group").isTrue();
                for (WorkerReport r : reports.subList(i + 1, i + g))
                    assertThat(r.wakeSampleTotal()).as(label + " receiver " + r.tid() + " woken at most once per "
                            + "messenger round").isBetween(1L, m.iterations());
            }
        }
    }
}
