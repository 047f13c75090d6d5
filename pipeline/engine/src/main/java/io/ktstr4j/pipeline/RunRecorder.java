package io.ktstr4j.pipeline;

import io.ktstr4j.pipeline.checks.CgroupReports;
import io.ktstr4j.pipeline.checks.WorkerSample;
import io.ktstr4j.pipeline.checks.WorkerSamples;
import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.GuestCrash;
import io.ktstr4j.schemas.event.GuestExit;
import io.ktstr4j.schemas.event.InitStage;
import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.event.PayloadMetricsReport;
import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.SchedExit;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.TestResult;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.event.WorkerReports;
import io.ktstr4j.schemas.report.AssertResult;
import io.ktstr4j.schemas.report.PayloadMetrics;
import io.ktstr4j.schemas.report.WorkerReport;
import io.ktstr4j.vmm.console.ConsoleMarkers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Watches every event of one run (before any buffer can drop it) and keeps what the verdict, the failure report,
 * the sidecar and the timings need. Thread-safe (events arrive from several producer threads).
 *
 * <p>Bounded, since everything the guest sends lands here: each list has a count cap and the guest-sized ones a byte
 * cap ({@link EventWeight}); together at most about {@link #MAX_GUEST_BYTES} per run. The console keeps its newest
 * lines (older ones roll off, as a console does); everything else keeps the first that arrived, and what did not fit
 * is counted ({@link #discarded()}, emitted as {@code run.dropped} with stage {@code recorder}).
 */
public final class RunRecorder {

    public static final int MAX_CONSOLE_LINES = 20_000;
    /** Weight of the console lines kept (the newest), and separately of the COM2 lines (the first). */
    public static final long MAX_CONSOLE_BYTES = 8L << 20;
    public static final int MAX_SAMPLES = 20_000;
    public static final int MAX_STIMULI = 10_000;
    /** Worker reports kept, over all cgroups, and their weight (latencies dominate: 24 bytes each). */
    public static final int MAX_WORKER_REPORTS = 4_096;
    public static final long MAX_WORKER_BYTES = 64L << 20;
    /** Per report: CPUs used and NUMA nodes kept ({@code resume_latencies_ns}: {@link WorkerReport#MAX_WAKE_SAMPLES}). */
    public static final int MAX_CPUS_PER_REPORT = 4_096;
    public static final int MAX_CGROUP_NAME = 256;
    public static final int MAX_METRICS = 1_000;
    public static final long MAX_METRICS_BYTES = 4L << 20;
    public static final int MAX_CHANNEL_ERRORS = 1_000;
    /**
     * Longest text kept from the guest (a console line, a crash message, an init stage), in characters; a channel
     * error's detail is cut at 1/64 of it.
     */
    public static final int MAX_TEXT = 64 * 1024;
    /**
     * What the guest can make this recorder hold, about 89 MiB: the caps above, plus the last test result (one
     * message, at most {@code TlvDecoder.MAX_PAYLOAD} of JSON). Monitor samples are sized by the host's topology.
     */
    public static final long MAX_GUEST_BYTES = 2 * MAX_CONSOLE_BYTES + MAX_WORKER_BYTES + MAX_METRICS_BYTES
            + MAX_STIMULI * 4 * EventWeight.OBJECT + MAX_CHANNEL_ERRORS * (EventWeight.OBJECT + 2L * MAX_TEXT / 64)
            + 4 * 2L * MAX_TEXT;

    private final LongSupplier nanos;
    private final ArrayDeque<String> console = new ArrayDeque<>();
    private long consoleBytes;
    private final List<String> com2 = new ArrayList<>();
    private long com2Bytes;
    private long workerReports;
    private long workerBytes;
    private long metricsBytes;
    /** Guest data not kept because a cap was reached (lines, reports, latencies, errors, …). */
    private long discarded;
    private final List<MonitorSample> samples = new ArrayList<>();
    /** Samples taken before SCENARIO_START / before the guest reported its result; -1 until it happens. */
    private int samplesBeforeStart = -1;
    private int samplesBeforeResult = -1;
    private final List<Stimulus> stimuli = new ArrayList<>();
    private final Map<String, List<WorkerSample>> workers = new LinkedHashMap<>();
    private final List<PayloadMetrics> metrics = new ArrayList<>();
    private final List<String> channelErrors = new ArrayList<>();

    private String backend;
    private String lastInitStage;
    private boolean scenarioStarted;
    private long scenarioElapsedMs = -1;
    private AssertResult result;
    private Integer schedExit;
    private String crash;
    private Integer guestExit;
    private Integer consoleExit;
    private VmExited vmExited;
    private String infrastructureError;
    private Throwable infrastructureCause;
    private long droppedEvents;
    private String monitorProblem;
    private String protocolProblem;

    private final long tStart;
    /** Volatile: the monitor's clock reads it on every sample without the recorder's lock. */
    private volatile long tVmCreated = -1;
    private long tInit = -1;
    private long tScenarioStart = -1;
    private long tScenarioEnd = -1;
    private long tResult = -1;
    private long tExit = -1;
    private long tClosed = -1;
    private long tEvaluated = -1;

    public RunRecorder(LongSupplier nanos) {
        this.nanos = nanos;
        this.tStart = nanos.getAsLong();
    }

    public RunRecorder() {
        this(System::nanoTime);
    }

    public synchronized void observe(EventBody e) {
        long now = nanos.getAsLong();
        if (e instanceof VmCreated c) {
            backend = c.backend();
            tVmCreated = now;
        } else if (e instanceof ConsoleLine l) {
            String line = cut(l.line());
            long w = EventWeight.text(line) + EventWeight.OBJECT;
            console.addLast(line);
            consoleBytes += w;
            while (console.size() > MAX_CONSOLE_LINES || (consoleBytes > MAX_CONSOLE_BYTES && console.size() > 1)) {
                consoleBytes -= EventWeight.text(console.removeFirst()) + EventWeight.OBJECT;
            }
            if (ConsoleLine.COM2.equals(l.port())) {
                if (com2.size() < MAX_CONSOLE_LINES && com2Bytes + w <= MAX_CONSOLE_BYTES) {
                    com2.add(line);
                    com2Bytes += w;
                } else {
                    discarded++;
                }
                Integer code = ConsoleMarkers.exitCode(l.line());
                if (code != null) {
                    consoleExit = code;
                } else if (protocolProblem == null) {
                    protocolProblem = ConsoleMarkers.exitMarkerProblem(l.line()); // e.g. KTSTR_EXIT=99999999999
                }
                if (tInit < 0 && ConsoleMarkers.isInitStarted(l.line())) {
                    lastInitStage = InitStage.INIT_STARTED;
                    tInit = now;
                }
            }
        } else if (e instanceof InitStage s) {
            lastInitStage = cut(s.stage());
            if (tInit < 0) {
                tInit = now;
            }
        } else if (e instanceof ScenarioStart) {
            scenarioStarted = true;
            tScenarioStart = now;
            if (samplesBeforeStart < 0) {
                samplesBeforeStart = samples.size();
            }
        } else if (e instanceof Stimulus s) {
            if (stimuli.size() < MAX_STIMULI) {
                stimuli.add(s);
            } else {
                discarded++;
            }
        } else if (e instanceof ScenarioEnd s) {
            scenarioElapsedMs = s.elapsedMs();
            tScenarioEnd = now;
        } else if (e instanceof WorkerReports w) {
            workers(w);
        } else if (e instanceof TestResult t) {
            result = t.result();
            tResult = now;
            if (samplesBeforeResult < 0) {
                samplesBeforeResult = samples.size();
            }
        } else if (e instanceof SchedExit s) {
            if (schedExit == null) {
                schedExit = s.code();
            }
        } else if (e instanceof GuestCrash c) {
            crash = cut(c.message());
        } else if (e instanceof GuestExit g) {
            guestExit = g.code();
        } else if (e instanceof PayloadMetricsReport p) {
            long w = EventWeight.of(p);
            if (metrics.size() < MAX_METRICS && metricsBytes + w <= MAX_METRICS_BYTES) {
                metrics.add(p.metrics());
                metricsBytes += w;
            } else {
                discarded++;
            }
        } else if (e instanceof ChannelError c) {
            if (channelErrors.size() < MAX_CHANNEL_ERRORS) {
                channelErrors.add(cut(c.kind() + ": " + c.detail(), MAX_TEXT / 64) + " (x" + c.count() + ")");
            } else {
                discarded++;
            }
        } else if (e instanceof MonitorSample s) {
            if (samples.size() < MAX_SAMPLES) {
                samples.add(s);
            }
        } else if (e instanceof VmExited x) {
            vmExited = x;
            tExit = now;
        }
    }

    /** Keeps a cgroup's reports within the caps; what does not fit is counted. */
    private void workers(WorkerReports w) {
        String cgroup = cut(w.cgroup(), MAX_CGROUP_NAME);
        List<WorkerSample> list = workers.get(cgroup);
        for (WorkerReport r : w.reports()) {
            WorkerSample s = trimmed(WorkerSamples.of(r));
            long weight = 4 * EventWeight.OBJECT + EventWeight.ENTRY * ((long) s.resumeLatenciesNs().size()
                    + s.cpusUsed().size() + s.numaPages().size());
            if (workerReports >= MAX_WORKER_REPORTS || workerBytes + weight > MAX_WORKER_BYTES) {
                discarded++;
                continue;
            }
            if (list == null) {
                list = workers.computeIfAbsent(cgroup, k -> new ArrayList<>());
            }
            list.add(s);
            workerReports++;
            workerBytes += weight;
        }
    }

    /** At most MAX_WAKE_SAMPLES latencies, MAX_CPUS_PER_REPORT CPUs and NUMA nodes; the rest counted. */
    private WorkerSample trimmed(WorkerSample s) {
        List<Long> lat = s.resumeLatenciesNs();
        Set<Integer> cpus = s.cpusUsed();
        Map<Integer, Long> numa = s.numaPages();
        if (lat.size() <= WorkerReport.MAX_WAKE_SAMPLES && cpus.size() <= MAX_CPUS_PER_REPORT
                && numa.size() <= MAX_CPUS_PER_REPORT) {
            return s;
        }
        if (lat.size() > WorkerReport.MAX_WAKE_SAMPLES) {
            discarded += lat.size() - WorkerReport.MAX_WAKE_SAMPLES;
            lat = lat.subList(0, WorkerReport.MAX_WAKE_SAMPLES);
        }
        if (cpus.size() > MAX_CPUS_PER_REPORT) {
            discarded += cpus.size() - MAX_CPUS_PER_REPORT;
            cpus = cpus.stream().sorted().limit(MAX_CPUS_PER_REPORT).collect(Collectors.toSet());
        }
        if (numa.size() > MAX_CPUS_PER_REPORT) {
            discarded += numa.size() - MAX_CPUS_PER_REPORT;
            numa = new TreeMap<>(numa).entrySet().stream().limit(MAX_CPUS_PER_REPORT)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }
        return new WorkerSample(s.tid(), s.workUnits(), s.cpuTimeNs(), s.wallTimeNs(), s.offCpuNs(),
                s.migrationCount(), cpus, s.maxGapMs(), s.maxGapCpu(), s.maxGapAtMs(), lat, s.iterations(), numa,
                s.numaPagesMigrated(), s.messenger(), s.runDelayNs());
    }

    private static String cut(String s) {
        return cut(s, MAX_TEXT);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "…";
    }

    public synchronized void infrastructureError(Throwable t) {
        if (infrastructureError == null) {
            infrastructureCause = t;
            String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            infrastructureError = msg;
        }
    }

    /** Why the monitor gave less than it should; the first one is kept (later ones are its consequences). */
    public synchronized void monitorProblem(String why) {
        if (monitorProblem == null && why != null && !why.isBlank()) {
            monitorProblem = why;
        }
    }

    public synchronized String monitorProblem() {
        return monitorProblem;
    }

    public synchronized void dropped(long n) {
        droppedEvents += n;
    }

    public synchronized void closed() {
        tClosed = nanos.getAsLong();
    }

    public synchronized void evaluated() {
        tEvaluated = nanos.getAsLong();
    }

    // --- read side -------------------------------------------------------------------------------------------

    public synchronized List<String> consoleLines() {
        return List.copyOf(console);
    }

    public synchronized List<String> com2Lines() {
        return List.copyOf(com2);
    }

    public synchronized List<MonitorSample> samples() {
        return List.copyOf(samples);
    }

    /**
     * The samples the monitor checks judge: those taken while the test ran, from SCENARIO_START until the guest
     * reported its result. Before, the guest boots: until the kernel has set up its per-CPU run queues the monitor
     * reads whatever that memory held (seen under TCG: a local DSQ "depth" of 9961989), which would mark the whole
     * run's monitor data untrustworthy. After, the guest powers off, and while it stops its CPUs with tasks still
     * queued (slow under TCG) a CPU's rq clock stands still with runnable tasks: a stall of the shutdown path, not of
     * the scheduler under test. Without SCENARIO_START the window starts with the first sample; without a result it
     * ends with the last. All samples are still emitted as events.
     */
    public synchronized List<MonitorSample> judgedSamples() {
        int from = Math.max(0, samplesBeforeStart);
        int to = samplesBeforeResult < 0 ? samples.size() : samplesBeforeResult;
        return from >= to ? List.of() : List.copyOf(samples.subList(from, to));
    }

    public synchronized List<Stimulus> stimuli() {
        return List.copyOf(stimuli);
    }

    /** Worker reports per cgroup (null when none arrived at all). */
    public synchronized List<CgroupReports> cgroups() {
        if (workers.isEmpty()) {
            return null;
        }
        List<CgroupReports> out = new ArrayList<>();
        workers.forEach((k, v) -> out.add(CgroupReports.of(k, v)));
        return out;
    }

    public synchronized List<PayloadMetrics> metrics() {
        return List.copyOf(metrics);
    }

    public synchronized List<String> channelErrors() {
        return List.copyOf(channelErrors);
    }

    public synchronized String backend() {
        return backend;
    }

    public synchronized String lastInitStage() {
        return lastInitStage;
    }

    public synchronized boolean scenarioStarted() {
        return scenarioStarted;
    }

    public synchronized AssertResult result() {
        return result;
    }

    public synchronized Integer schedExit() {
        return schedExit;
    }

    public synchronized String crash() {
        return crash;
    }

    /** The guest's exit code: EXIT message, else KTSTR_EXIT on COM2, else the VM's exit code. */
    public synchronized Integer exitCode() {
        if (guestExit != null) {
            return guestExit;
        }
        if (consoleExit != null) {
            return consoleExit;
        }
        return vmExited == null ? null : vmExited.exitCode();
    }

    /** The first line the guest sent that broke the guest contract (a malformed KTSTR_EXIT), null when none. */
    public synchronized String guestProtocolProblem() {
        return protocolProblem;
    }

    public synchronized VmExited vmExited() {
        return vmExited;
    }

    public synchronized String infrastructureErrorMessage() {
        return infrastructureError;
    }

    public synchronized Throwable infrastructureCause() {
        return infrastructureCause;
    }

    public synchronized long droppedEvents() {
        return droppedEvents;
    }

    /** Guest data this recorder did not keep because a cap was reached (0 for a well-behaved guest). */
    public synchronized long discarded() {
        return discarded;
    }

    /**
     * The VM's clock: ms since VmCreated was observed (since the recorder was made, before that). Monitor samples and
     * snapshots are timed by it, so they join with {@link #scenarioStartSinceVmMs} and the run's events.
     */
    public long sinceVmMs() {
        return (nanos.getAsLong() - vmZero()) / 1_000_000;
    }

    /** When the VM was created (when the recorder was made, before that), on the recorder's clock. */
    private long vmZero() {
        long t = tVmCreated;
        return t >= 0 ? t : tStart;
    }

    /** Scenario start on the VM's clock (ms since VmCreated), for joining stimuli with monitor samples. */
    public synchronized long scenarioStartSinceVmMs() {
        return tScenarioStart < 0 || tVmCreated < 0 ? 0 : (tScenarioStart - tVmCreated) / 1_000_000;
    }

    /**
     * Scenario length: the guest's own SCENARIO_END elapsed time, else host-observed. The guest's clock is the exact
     * one: the host sees SCENARIO_START and SCENARIO_END only when it drains the ring (every
     * {@code RingReader.DEFAULT_PERIOD}, and at the VM's exit), so host-observed times are late by a varying amount.
     */
    public synchronized long scenarioMs() {
        if (scenarioElapsedMs >= 0) {
            return scenarioElapsedMs;
        }
        return tScenarioStart >= 0 && tScenarioEnd >= 0 ? (tScenarioEnd - tScenarioStart) / 1_000_000 : -1;
    }

    /** Time from the guest's result (or scenario end) to the VM being gone, ms; null when unknown. */
    public synchronized Long cleanupMs() {
        long from = tResult >= 0 ? tResult : tScenarioEnd;
        long to = tClosed >= 0 ? tClosed : tExit;
        return from >= 0 && to >= from ? (to - from) / 1_000_000 : null;
    }

    public synchronized RunTimings timings() {
        long end = tEvaluated >= 0 ? tEvaluated : nanos.getAsLong();
        long vm0 = vmZero();
        long prepare = (vm0 - tStart) / 1_000_000;
        long boot = tInit >= 0 ? (tInit - vm0) / 1_000_000 : -1;
        long scen = scenarioStarted ? scenarioMs() : -1;
        long teardownFrom = tScenarioEnd >= 0 ? tScenarioEnd : tResult;
        long closedAt = tClosed >= 0 ? tClosed : tExit;
        long teardown = teardownFrom >= 0 && closedAt >= teardownFrom ? (closedAt - teardownFrom) / 1_000_000 : -1;
        long eval = closedAt >= 0 && tEvaluated >= closedAt ? (tEvaluated - closedAt) / 1_000_000 : -1;
        return new RunTimings(prepare, boot, scen, teardown, eval, (end - tStart) / 1_000_000);
    }
}
