package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.InitStage;
import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunVerdict;
import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.VcpuStarted;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.RqSchedstat;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Events shaped like a real run without a VM — for the benchmark, the tests and {@code ktstr4j kafka demo}:
 * lifecycle ({@code vm.created}, one {@code vm.vcpu_started} per vCPU, init stages, console lines), one
 * {@code monitor.sample} (all vCPUs) per 100 ms tick, the scenario's start and end, a verdict, {@code vm.exited}.
 */
public final class SyntheticRun {
    private final String runId;
    private final String variantKey;
    private final int vcpus;
    private final int ticks;
    private final Outcome outcome;
    private long seq;

    public SyntheticRun(String runId, String variantKey, int vcpus, int ticks, Outcome outcome) {
        this.runId = runId;
        this.variantKey = variantKey;
        this.vcpus = vcpus;
        this.ticks = ticks;
        this.outcome = outcome;
    }

    /** The whole run as a list, in emission order (seq 0, 1, 2, …). */
    public List<RunEvent> events() {
        List<RunEvent> out = new ArrayList<>();
        emit(out::add);
        return out;
    }

    /** Number of events {@link #events()} produces. */
    public int size() {
        return 1 + vcpus + 3 + 1 + ticks + ticks / 10 + 1 + 1 + 1;
    }

    public void emit(Consumer<RunEvent> sink) {
        seq = 0;
        long t0 = 1_790_000_000_000L;
        sink.accept(ev(t0, new VmCreated("kvm", vcpus, Math.max(256, vcpus * 64L), "synthetic-" + vcpus)));
        for (int c = 0; c < vcpus; c++) {
            sink.accept(ev(t0, new VcpuStarted(c, c)));
        }
        for (String stage : List.of("INIT_STARTED", "SCHED_STARTED", "PAYLOAD_STARTING")) {
            sink.accept(ev(t0, new InitStage(stage)));
        }
        sink.accept(ev(t0, new ScenarioStart()));
        for (int k = 0; k < ticks; k++) {
            sink.accept(ev(t0 + 100L * k, sample(k)));
            if (k % 10 == 9) {
                sink.accept(ev(t0 + 100L * k, new ConsoleLine("com2", k * 100_000_000L, "tick " + k + " ok")));
            }
        }
        sink.accept(ev(t0 + 100L * ticks, new ScenarioEnd(100L * ticks)));
        sink.accept(ev(t0 + 100L * ticks, new RunVerdict(new Verdict(outcome,
                outcome == Outcome.PASS ? List.of() : List.of(new Reason(DetailKind.OTHER, "synthetic " + outcome)),
                Thresholds.defaults(ThresholdMode.RELEASE)))));
        sink.accept(ev(t0 + 100L * ticks, new VmExited(ExitReason.SHUTDOWN, 0, 100_000_000L * ticks, "")));
    }

    public MonitorSample sample(int tick) {
        List<CpuSnapshot> cpus = new ArrayList<>(vcpus);
        for (int c = 0; c < vcpus; c++) {
            long n = (tick + c) % 4;
            cpus.add(new CpuSnapshot(n, n, c % 3, 1_000_000L * tick + c, 0, null,
                    new RqSchedstat(1000L * tick, tick, 0, 10L * tick, tick, 5L * tick, 3L * tick), null, null, null));
        }
        return new MonitorSample(100L * tick, cpus, null);
    }

    private RunEvent ev(long ms, EventBody body) {
        return new RunEvent(runId, variantKey, seq++, Instant.ofEpochMilli(ms), body);
    }
}
