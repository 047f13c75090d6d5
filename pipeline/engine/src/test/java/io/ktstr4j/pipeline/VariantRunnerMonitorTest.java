package io.ktstr4j.pipeline;

import static io.ktstr4j.pipeline.VariantRunnerTest.guest;
import static io.ktstr4j.pipeline.VariantRunnerTest.healthy;
import static io.ktstr4j.pipeline.VariantRunnerTest.variant;
import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.DumpRequested;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunVerdict;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.Snapshot;
import io.ktstr4j.schemas.event.TestResult;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.channel.GuestLink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** How the runner wires a {@link MonitorSource}: samples, snapshots at SCENARIO_START, dumps, reasons in the verdict. */
class VariantRunnerMonitorTest {

    static final SchedulerChoice SCX = SchedulerChoice.binary(Path.of("/x/scx_simple"), List.of());

    /** A monitor that is available and emits what {@code open} returns. */
    static MonitorSource monitor(BiFunction<Vm, MonitorContext, Flux<EventBody>> open) {
        return new MonitorSource() {
            @Override
            public String unavailableReason(Variant variant) {
                return null;
            }

            @Override
            public Flux<EventBody> open(Vm vm, Variant variant, MonitorContext context) {
                return open.apply(vm, context);
            }
        };
    }

    static MonitorSource unavailable(String why) {
        return new MonitorSource() {
            @Override
            public String unavailableReason(Variant variant) {
                return why;
            }

            @Override
            public Flux<EventBody> open(Vm vm, Variant variant, MonitorContext context) {
                throw new AssertionError("an unavailable monitor is never opened");
            }
        };
    }

    /** cpu0 has {@code nr0} runnable tasks, the other three none; clocks advance. */
    static MonitorSample sample(long ms, long nr0) {
        List<CpuSnapshot> cpus = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            long nr = c == 0 ? nr0 : 0;
            cpus.add(CpuSnapshot.basic(nr, nr, 0, ms * 1_000_000L + c, 0));
        }
        return new MonitorSample(ms, cpus, null);
    }

    static List<RunEvent> run(MonitorSource m, Variant v) {
        return run(m, v, guest(healthy(99_000)));
    }

    static List<RunEvent> run(MonitorSource m, Variant v, GuestLink.Factory ch) {
        return run(m, v, ch, e -> { });
    }

    /** {@code seen} gets each event as it leaves the runner, i.e. after the run's recorder has observed it. */
    static List<RunEvent> run(MonitorSource m, Variant v, GuestLink.Factory ch, java.util.function.Consumer<RunEvent> seen) {
        VariantRunner r = new VariantRunner(FakeVm.backend(new FakeVm(2, false), null), x -> List.of(), ch, m, null,
                1024, false);
        return r.run(v).doOnNext(seen).collectList().block(Duration.ofSeconds(10));
    }

    /** The healthy guest, with its result (and what follows) only once {@code trigger} completes. */
    static GuestLink.Factory resultAfter(Mono<?> trigger) {
        List<GuestMessage> all = healthy(99_000);
        int r = 0;
        while (!(all.get(r) instanceof TestResult)) {
            r++;
        }
        List<GuestMessage> before = all.subList(0, r);
        List<GuestMessage> after = all.subList(r, all.size());
        return vm -> GuestLink.receiving(gone -> Flux.fromIterable(before)
                .concatWith(trigger.thenMany(Flux.fromIterable(after)))
                .concatWith(gone.then(Mono.empty())));
    }

    /** The healthy guest: SCENARIO_START once {@code booted} completes, its result once {@code sampled} does. */
    static GuestLink.Factory startAfterThenResultAfter(Mono<?> booted, Mono<?> sampled) {
        List<GuestMessage> all = healthy(99_000);
        int s = 0;
        while (!(all.get(s) instanceof ScenarioStart)) {
            s++;
        }
        int r = s;
        while (!(all.get(r) instanceof TestResult)) {
            r++;
        }
        List<GuestMessage> boot = all.subList(0, s);
        List<GuestMessage> test = all.subList(s, r);
        List<GuestMessage> end = all.subList(r, all.size());
        return vm -> GuestLink.receiving(gone -> Flux.fromIterable(boot)
                .concatWith(booted.thenMany(Flux.fromIterable(test)))
                .concatWith(sampled.thenMany(Flux.fromIterable(end)))
                .concatWith(gone.then(Mono.empty())));
    }

    /**
     * Runs a sched_ext variant whose guest sends its result only once the runner has passed on the sample taken at
     * {@code lastMs}: the runner merges monitor and guest streams, so "the monitor emitted it first" would not order
     * the sample before the result in what the run records.
     */
    static List<RunEvent> runWithResultAfterSample(MonitorSource m, long lastMs) {
        Sinks.Empty<Void> sampled = Sinks.empty();
        return run(m, variant(SCX), resultAfter(sampled.asMono()), e -> {
            if (e.body() instanceof MonitorSample s && s.elapsedMs() == lastMs) {
                sampled.tryEmitEmpty();
            }
        });
    }

    /** Every CPU has one runnable task and a clock that never moves. */
    static MonitorSample stalled(long ms) {
        List<CpuSnapshot> cpus = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            cpus.add(CpuSnapshot.basic(1, 1, 0, 1_000_000L * (c + 1), 0));
        }
        return new MonitorSample(ms, cpus, null);
    }

    static Verdict verdict(List<RunEvent> events) {
        return events.stream().map(RunEvent::body).filter(RunVerdict.class::isInstance)
                .map(b -> ((RunVerdict) b).verdict()).findFirst().orElseThrow();
    }

    static <T> List<T> bodies(List<RunEvent> events, Class<T> type) {
        return events.stream().map(RunEvent::body).filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void samplesAndSnapshotsFlowIntoTheRunAndSnapshotsWaitForScenarioStart() {
        MonitorSource m = monitor((vm, ctx) -> Flux.<EventBody>just(sample(100, 1), sample(200, 1))
                .concatWith(ctx.scenarioStart().map(s -> new Snapshot(0, 300, 1_000, List.of(), null, List.of())))
                .concatWith(ctx.vmGone().then(Mono.empty())));
        List<RunEvent> events = run(m, variant(SchedulerChoice.eevdf()));
        assertThat(bodies(events, MonitorSample.class)).hasSize(2);
        assertThat(bodies(events, Snapshot.class)).singleElement().extracting(Snapshot::freezeNs).isEqualTo(1_000L);
        long startSeq = events.stream().filter(e -> e.body() instanceof ScenarioStart).findFirst().orElseThrow().seq();
        long snapSeq = events.stream().filter(e -> e.body() instanceof Snapshot).findFirst().orElseThrow().seq();
        assertThat(snapSeq).isGreaterThan(startSeq);
        assertThat(verdict(events).outcome()).isEqualTo(Outcome.PASS);
    }

    @Test
    void sustainedImbalanceUnderSchedExtRequestsOneDumpAndFailsTheRun() {
        List<EventBody> samples = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            samples.add(sample(100L * i, 6));
        }
        // Samples while the test runs (the runner judges from SCENARIO_START on).
        MonitorSource m = monitor((vm, ctx) -> ctx.scenarioStart().thenMany(Flux.fromIterable(samples))
                .concatWith(ctx.vmGone().then(Mono.empty())));
        List<RunEvent> events = runWithResultAfterSample(m, 800);
        assertThat(bodies(events, DumpRequested.class)).singleElement().extracting(DumpRequested::reason)
                .asString().contains("imbalance ratio 6.0").contains("for 5 samples up to +500ms");
        Verdict v = verdict(events);
        assertThat(v.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(v.reasons()).extracting(Reason::kind).contains(DetailKind.MONITOR);
    }

    @Test
    void aStallWhileTheGuestShutsDownAfterItsResultIsNotJudged() {
        // Samples before the result move (two of them: the data is trusted), then the guest powers off with tasks
        // still queued and every clock stands still for 8 samples.
        List<EventBody> before = List.of(sample(100, 1), sample(200, 1));
        List<EventBody> teardown = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            teardown.add(stalled(300 + 100L * i));
        }
        Sinks.Empty<Void> sampled = Sinks.empty();
        Sinks.Empty<Void> resultSeen = Sinks.empty();
        MonitorSource m = monitor((vm, ctx) -> ctx.scenarioStart().thenMany(Flux.fromIterable(before))
                .concatWith(resultSeen.asMono().thenMany(Flux.fromIterable(teardown)))
                .concatWith(ctx.vmGone().then(Mono.empty())));
        // Ordered by what the runner has passed on, not by what the sources emitted: the runner merges them.
        List<RunEvent> events = run(m, variant(SCX), resultAfter(sampled.asMono()), e -> {
            if (e.body() instanceof MonitorSample s && s.elapsedMs() == 200) {
                sampled.tryEmitEmpty();
            } else if (e.body() instanceof TestResult) {
                resultSeen.tryEmitEmpty();
            }
        });
        assertThat(bodies(events, MonitorSample.class)).as("teardown samples are still reported").hasSize(10);
        assertThat(bodies(events, DumpRequested.class)).isEmpty();
        Verdict v = verdict(events);
        assertThat(v.outcome()).as(v.toString()).isEqualTo(Outcome.PASS);
    }

    @Test
    void runQueueMemoryReadBeforeTheKernelSetItUpIsNotJudged() {
        // Boot: the per-CPU run queues are not initialised yet and hold garbage (an absurd local DSQ depth).
        List<CpuSnapshot> garbage = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            garbage.add(CpuSnapshot.basic(0, 0, 9_961_989, 0, 0));
        }
        Sinks.Empty<Void> booted = Sinks.empty();
        Sinks.Empty<Void> sampled = Sinks.empty();
        MonitorSource m = monitor((vm, ctx) -> Flux.<EventBody>just(new MonitorSample(50, garbage, null))
                .concatWith(ctx.scenarioStart().thenMany(Flux.just(sample(100, 1), sample(200, 1), sample(300, 1))))
                .concatWith(ctx.vmGone().then(Mono.empty())));
        // The guest starts its scenario only once the boot sample is through the runner: samples from different
        // sources are merged, so "emitted first" alone would not order them.
        List<RunEvent> events = run(m, variant(SCX), startAfterThenResultAfter(booted.asMono(), sampled.asMono()),
                e -> {
                    if (e.body() instanceof MonitorSample s && s.elapsedMs() == 50) {
                        booted.tryEmitEmpty();
                    } else if (e.body() instanceof MonitorSample s && s.elapsedMs() == 300) {
                        sampled.tryEmitEmpty();
                    }
                });
        assertThat(bodies(events, MonitorSample.class)).hasSize(4);
        Verdict v = verdict(events);
        assertThat(v.outcome()).as(v.toString()).isEqualTo(Outcome.PASS);
    }

    @Test
    void aStallBeforeTheResultFailsTheRun() {
        List<EventBody> samples = new ArrayList<>(List.of(sample(100, 1)));
        for (int i = 1; i <= 8; i++) {
            samples.add(stalled(100 + 100L * i));
        }
        MonitorSource m = monitor((vm, ctx) -> ctx.scenarioStart().thenMany(Flux.fromIterable(samples))
                .concatWith(ctx.vmGone().then(Mono.empty())));
        List<RunEvent> events = runWithResultAfterSample(m, 900);
        assertThat(bodies(events, DumpRequested.class)).singleElement().extracting(DumpRequested::reason).asString()
                .contains("stall");
        assertThat(verdict(events).outcome()).isEqualTo(Outcome.FAIL);
    }

    @Test
    void whyTheMonitorIsUnavailableIsInTheVerdictOfASchedExtRun() {
        List<RunEvent> events = run(unavailable("no System.map next to /k/bzImage"), variant(SCX));
        Verdict v = verdict(events);
        assertThat(v.outcome()).isEqualTo(Outcome.PASS);
        assertThat(v.reasons()).extracting(Reason::message)
                .anyMatch(msg -> msg.equals("monitor not available, sched_ext monitor checks did not run: "
                        + "no System.map next to /k/bzImage"));
        assertThat(bodies(events, MonitorSample.class)).isEmpty();
    }

    @Test
    void aProblemTheMonitorReportsExplainsWhyItTookNoSamples() {
        MonitorSource m = monitor((vm, ctx) -> {
            ctx.problems().accept("the monitor could not start with System.map: bad line");
            return Flux.empty();
        });
        Verdict v = verdict(run(m, variant(SCX)));
        assertThat(v.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(v.reasons()).extracting(Reason::message).anyMatch(msg -> msg.contains("no samples were taken")
                && msg.contains("could not start with System.map: bad line"));
    }
}
