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
import io.ktstr4j.vmm.console.ConsoleMarkers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Watches every event of one run (before any buffer can drop it) and keeps what the verdict, the failure report,
 * the sidecar and the timings need. Bounded: console lines and samples are capped so a chatty guest cannot
 * exhaust the host. Thread-safe (events arrive from several producer threads).
 */
public final class RunRecorder {

    public static final int MAX_CONSOLE_LINES = 20_000;
    public static final int MAX_SAMPLES = 20_000;

    private final LongSupplier nanos;
    private final ArrayDeque<String> console = new ArrayDeque<>();
    private final List<String> com2 = new ArrayList<>();
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
    private long tVmCreated = -1;
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
            console.addLast(l.line());
            if (console.size() > MAX_CONSOLE_LINES) {
                console.removeFirst();
            }
            if (ConsoleLine.COM2.equals(l.port())) {
                if (com2.size() < MAX_CONSOLE_LINES) {
                    com2.add(l.line());
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
            lastInitStage = s.stage();
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
            stimuli.add(s);
        } else if (e instanceof ScenarioEnd s) {
            scenarioElapsedMs = s.elapsedMs();
            tScenarioEnd = now;
        } else if (e instanceof WorkerReports w) {
            List<WorkerSample> list = workers.computeIfAbsent(w.cgroup(), k -> new ArrayList<>());
            w.reports().forEach(r -> list.add(WorkerSamples.of(r)));
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
            crash = c.message();
        } else if (e instanceof GuestExit g) {
            guestExit = g.code();
        } else if (e instanceof PayloadMetricsReport p) {
            metrics.add(p.metrics());
        } else if (e instanceof ChannelError c) {
            channelErrors.add(c.kind() + ": " + c.detail() + " (x" + c.count() + ")");
        } else if (e instanceof MonitorSample s) {
            if (samples.size() < MAX_SAMPLES) {
                samples.add(s);
            }
        } else if (e instanceof VmExited x) {
            vmExited = x;
            tExit = now;
        }
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

    /** Scenario start on the VM's clock (ms since VmCreated), for joining stimuli with monitor samples. */
    public synchronized long scenarioStartSinceVmMs() {
        return tScenarioStart < 0 || tVmCreated < 0 ? 0 : (tScenarioStart - tVmCreated) / 1_000_000;
    }

    /** Scenario length: the guest's own SCENARIO_END elapsed time, else host-observed. */
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
        long vm0 = tVmCreated >= 0 ? tVmCreated : tStart;
        long prepare = (vm0 - tStart) / 1_000_000;
        long boot = tInit >= 0 ? (tInit - vm0) / 1_000_000 : -1;
        long scen = tScenarioStart >= 0 && tScenarioEnd >= 0 ? (tScenarioEnd - tScenarioStart) / 1_000_000 : -1;
        long teardownFrom = tScenarioEnd >= 0 ? tScenarioEnd : tResult;
        long closedAt = tClosed >= 0 ? tClosed : tExit;
        long teardown = teardownFrom >= 0 && closedAt >= teardownFrom ? (closedAt - teardownFrom) / 1_000_000 : -1;
        long eval = closedAt >= 0 && tEvaluated >= closedAt ? (tEvaluated - closedAt) / 1_000_000 : -1;
        return new RunTimings(prepare, boot, scen, teardown, eval, (end - tStart) / 1_000_000);
    }
}
