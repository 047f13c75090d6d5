package io.ktstr4j.pipeline.gauntlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.RunSummary;
import io.ktstr4j.pipeline.RunTimings;
import io.ktstr4j.pipeline.SchedulerChoice;
import io.ktstr4j.pipeline.Variant;
import io.ktstr4j.pipeline.VariantRelation;
import io.ktstr4j.schemas.sidecar.RunExecution;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.schemas.topology.TopologyPresets;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import io.ktstr4j.vmm.plan.RawAgentPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The gauntlet's scheduling with a simulated host (no VM boots): a launcher whose runs end when the test says, or
 * after a few milliseconds, recording how many vCPUs ran at once.
 */
class GauntletExecutorTest {

    static Variant variant(String name, String preset, Topology t) {
        return new Variant(name, preset, t, SchedulerChoice.eevdf(), Path.of("/k/bzImage"),
                new RawAgentPlan("ktstr4j-plan v1\n"), Duration.ofSeconds(1), 256, Duration.ofSeconds(20),
                Thresholds.resolve(ThresholdMode.RELEASE), List.of(), List.of(), "CpuSpin");
    }

    static Variant tiny(int i) {
        return variant("t" + i, "tiny-1llc", TopologyPresets.get("tiny-1llc"));
    }

    static RunSummary summary(Execution e, Outcome o, long bootToInitMs) {
        List<Reason> reasons = o == Outcome.PASS ? List.of()
                : List.of(new Reason(o == Outcome.ERROR ? DetailKind.INFRASTRUCTURE : DetailKind.STUCK, "why " + o));
        return new RunSummary("r", e.variant(), new Verdict(o, reasons, null), null,
                new RunTimings(1, bootToInitMs, 10, 1, 1, 20), 0, null);
    }

    /** A launcher that records concurrency; each run ends with the outcome {@code outcome} gives, after {@code delay}. */
    static class Recorder implements GauntletExecutor.Launcher {
        final AtomicInteger vcpus = new AtomicInteger();
        final AtomicInteger vms = new AtomicInteger();
        final List<int[]> atStart = new CopyOnWriteArrayList<>(); // {vms, vcpus} as each started
        final List<String> started = new CopyOnWriteArrayList<>();
        final Map<String, Sinks.Empty<Void>> gates = new ConcurrentHashMap<>();
        final List<RunExecution> facts = new CopyOnWriteArrayList<>();
        final Function<Execution, Outcome> outcome;
        final boolean gated;

        Recorder(Function<Execution, Outcome> outcome, boolean gated) {
            this.outcome = outcome;
            this.gated = gated;
        }

        @Override
        public Flux<?> launch(Execution e, Supplier<RunExecution> f, Consumer<RunSummary> onDone) {
            return Flux.defer(() -> {
                int n = e.vcpus();
                atStart.add(new int[] {vms.incrementAndGet(), vcpus.addAndGet(n)});
                started.add(e.streamKey());
                Sinks.Empty<Void> gate = Sinks.empty();
                gates.put(e.streamKey(), gate);
                reactor.core.publisher.Mono<Void> end = gated ? gate.asMono()
                        : reactor.core.publisher.Mono.delay(Duration.ofMillis(5)).then();
                Runnable gone = () -> {
                    vms.decrementAndGet();
                    vcpus.addAndGet(-n);
                };
                // the VM is gone before the run's end is signalled, as VariantRunner's is
                return end.then(reactor.core.publisher.Mono.fromRunnable(() -> {
                    facts.add(f.get());
                    Outcome o = outcome.apply(e);
                    onDone.accept(summary(e, o, o == Outcome.ERROR ? -1 : 100));
                    gone.run();
                })).doOnCancel(gone).flux();
            });
        }

        void open(String key) {
            await(() -> gates.containsKey(key));
            gates.get(key).tryEmitEmpty();
        }
    }

    static void await(Supplier<Boolean> cond) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.get()) {
            assertThat(System.nanoTime()).as("timed out").isLessThan(deadline);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void sixteenTinyVariantsOnA64CpuHostRunFifteenAtATime() {
        List<Variant> vs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            vs.add(tiny(i));
        }
        Recorder rec = new Recorder(e -> Outcome.PASS, true);
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(64, Integer.MAX_VALUE, 1.0), null, rec, 1);
        List<GauntletEvent> events = new CopyOnWriteArrayList<>();
        ex.run(vs, 1).subscribe(events::add);
        await(() -> rec.started.size() == 15);
        sleep(50); // nothing more may start while the 15 run
        assertThat(rec.started).hasSize(15);
        assertThat(rec.vcpus.get()).isEqualTo(60);
        rec.open("t0/tiny-1llc/eevdf");
        await(() -> rec.started.size() == 16);
        rec.gates.keySet().forEach(rec::open);
        await(() -> events.stream().filter(e -> e instanceof GauntletEvent.Finished).count() == 16);
        assertThat(rec.atStart.stream().mapToInt(a -> a[1]).max().getAsInt()).isEqualTo(60);
        assertThat(rec.facts).allSatisfy(f -> {
            assertThat(f.hostCpus()).isEqualTo(63);
            assertThat(f.concurrentVcpus()).isBetween(4, 60);
            assertThat(f.overcommitted()).isFalse();
        });
    }

    @Test
    void aLargePresetRunsBesideAtMostTheTinyOnesThatFitTheRest() {
        List<Variant> vs = new ArrayList<>();
        vs.add(variant("big", "large", Topology.of(1, 4, 8, 1))); // 32 vCPUs
        for (int i = 0; i < 16; i++) {
            vs.add(tiny(i));
        }
        Recorder rec = new Recorder(e -> Outcome.PASS, false);
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(64, Integer.MAX_VALUE, 1.0), null, rec, 0);
        List<GauntletEvent> events = ex.run(vs, 1).collectList().block(Duration.ofSeconds(20));
        assertThat(events.stream().filter(e -> e instanceof GauntletEvent.Finished)).hasSize(17);
        assertThat(rec.atStart.stream().mapToInt(a -> a[1]).max().getAsInt()).isLessThanOrEqualTo(63);
        // while the big one ran (first, 32 vCPUs), at most 7 tiny ones ran beside it: 32 + 7 x 4 = 60
        assertThat(rec.atStart.get(0)[1]).isEqualTo(32);
        assertThat(rec.atStart).allSatisfy(a -> assertThat(a[1]).isLessThanOrEqualTo(60));
    }

    @Test
    void aVariantLargerThanTheHostRunsAloneAndJobsCapsTheVms() {
        Variant huge = variant("huge", "large", Topology.of(1, 8, 16, 1)); // 128 vCPUs on a 64-CPU host
        List<Variant> vs = new ArrayList<>(List.of(tiny(0), huge, tiny(1), tiny(2), tiny(3)));
        Recorder rec = new Recorder(e -> Outcome.PASS, false);
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(64, 2, 1.0), null, rec, 0);
        List<GauntletEvent> events = ex.run(vs, 1).collectList().block(Duration.ofSeconds(20));
        assertThat(events.stream().filter(e -> e instanceof GauntletEvent.Finished)).hasSize(5);
        int h = rec.started.indexOf("huge/large/eevdf");
        assertThat(rec.atStart.get(h)).as("the huge one starts alone").containsExactly(1, 128);
        assertThat(rec.atStart.stream().mapToInt(a -> a[0]).max().getAsInt()).as("--jobs 2").isEqualTo(2);
        assertThat(rec.facts.stream().filter(f -> f.concurrentVcpus() == 128).findFirst()).get()
                .satisfies(f -> assertThat(f.overcommitted()).isTrue());
    }

    @Test
    void overcommitLetsMoreVcpusThanHostCpusRunAndTheResultSaysSo() {
        List<Variant> vs = List.of(tiny(0), tiny(1), tiny(2));
        Recorder rec = new Recorder(e -> Outcome.PASS, true);
        // 2 host CPUs: 1 for VMs; overcommit 8 lets two 4-vCPU VMs share it
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(2, Integer.MAX_VALUE, 8.0), null, rec, 0);
        List<GauntletEvent> events = new CopyOnWriteArrayList<>();
        ex.run(vs, 1).subscribe(events::add);
        await(() -> rec.started.size() == 2);
        sleep(30);
        assertThat(rec.started).hasSize(2);
        rec.gates.keySet().forEach(rec::open);
        await(() -> rec.started.size() == 3);
        rec.gates.keySet().forEach(rec::open);
        await(() -> events.stream().filter(e -> e instanceof GauntletEvent.Finished).count() == 3);
        assertThat(rec.facts).allSatisfy(f -> {
            assertThat(f.overcommitLimit()).isEqualTo(8.0);
            assertThat(f.overcommitted()).isTrue(); // 4 or 8 vCPUs on 1 host CPU
        });
    }

    @Test
    void anInfrastructureErrorIsRetriedVisiblyAndAFailNever() {
        Map<String, Integer> calls = new ConcurrentHashMap<>();
        Recorder rec = new Recorder(e -> {
            int n = calls.merge(e.variant().key(), 1, Integer::sum);
            if (e.variant().testName().equals("flaky")) {
                return n == 1 ? Outcome.ERROR : Outcome.PASS;
            }
            if (e.variant().testName().equals("broken")) {
                return Outcome.ERROR;
            }
            return Outcome.FAIL;
        }, false);
        List<Variant> vs = List.of(variant("flaky", "tiny-1llc", TopologyPresets.get("tiny-1llc")),
                variant("broken", "tiny-1llc", TopologyPresets.get("tiny-1llc")),
                variant("failing", "tiny-1llc", TopologyPresets.get("tiny-1llc")));
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(2, Integer.MAX_VALUE, 1.0), null, rec, 2);
        List<GauntletEvent> events = ex.run(vs, 1).collectList().block(Duration.ofSeconds(20));
        List<GauntletEvent.Finished> done = events.stream().filter(e -> e instanceof GauntletEvent.Finished)
                .map(e -> (GauntletEvent.Finished) e).toList();
        assertThat(done).extracting(f -> f.execution().streamKey()).containsExactlyInAnyOrder(
                "flaky/tiny-1llc/eevdf", "flaky/tiny-1llc/eevdf#r1",
                "broken/tiny-1llc/eevdf", "broken/tiny-1llc/eevdf#r1", "broken/tiny-1llc/eevdf#r2",
                "failing/tiny-1llc/eevdf");
        GauntletEvent.Finished lastBroken = done.stream()
                .filter(f -> f.execution().streamKey().equals("broken/tiny-1llc/eevdf#r2")).findFirst().orElseThrow();
        assertThat(lastBroken.retry()).as("--retries 2: no third retry").isNull();
        assertThat(lastBroken.execution().retriedAfter()).containsExactly("attempt 1: why ERROR",
                "attempt 2: why ERROR");
        assertThat(done.stream().filter(f -> f.execution().variant().testName().equals("failing"))).hasSize(1);
        assertThat(rec.facts.stream().filter(f -> f.attempt() == 2)).hasSize(2);
    }

    @Test
    void trialsRunEveryVariantNTimesUnderKeysOfTheirOwn() {
        Recorder rec = new Recorder(e -> Outcome.PASS, false);
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(64, Integer.MAX_VALUE, 1.0), null, rec, 0);
        List<GauntletEvent> events = ex.run(List.of(tiny(0), tiny(1)), 3).collectList().block(Duration.ofSeconds(20));
        assertThat(events.stream().filter(e -> e instanceof GauntletEvent.Finished)
                .map(e -> e.execution().streamKey())).containsExactlyInAnyOrder(
                "t0/tiny-1llc/eevdf", "t0/tiny-1llc/eevdf#t2", "t0/tiny-1llc/eevdf#t3",
                "t1/tiny-1llc/eevdf", "t1/tiny-1llc/eevdf#t2", "t1/tiny-1llc/eevdf#t3");
        assertThat(rec.facts).extracting(RunExecution::trial).containsExactlyInAnyOrder(1, 1, 2, 2, 3, 3);
    }

    @Test
    void aJudgedVariantWaitsForItsBaseline() {
        Variant base = variant("rel", "tiny-1llc", TopologyPresets.get("tiny-1llc"));
        base = new Variant(base.testName(), base.preset(), base.topology(), base.scheduler(), base.kernel(),
                base.plan(), base.duration(), base.memoryMb(), base.watchdog(), base.thresholds(), base.kargs(),
                base.sysctls(), base.workType(), null, 0, List.of(), false, null, new VariantRelation.Baseline(), null);
        Variant judged = new Variant("rel", "tiny-1llc", base.topology(),
                SchedulerChoice.binary(Path.of("/bin/true"), List.of()), base.kernel(), base.plan(), base.duration(),
                base.memoryMb(), base.watchdog(), base.thresholds(), List.of(), List.of(), "CpuSpin", null, 0,
                List.of(), false, null, new VariantRelation.JudgedAgainst(base.key(),
                new io.ktstr4j.schemas.spec.RelativeTo("eevdf", Map.of("worst_spread", 1.0), Map.of())), null);
        Recorder rec = new Recorder(e -> Outcome.PASS, true);
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(64, Integer.MAX_VALUE, 1.0), null, rec, 0);
        List<GauntletEvent> events = new CopyOnWriteArrayList<>();
        ex.run(List.of(base, judged), 1).subscribe(events::add);
        await(() -> rec.started.size() == 1);
        sleep(30);
        assertThat(rec.started).containsExactly(base.key());
        rec.open(base.key());
        await(() -> rec.started.size() == 2);
        rec.open(judged.key());
        await(() -> events.stream().filter(e -> e instanceof GauntletEvent.Finished).count() == 2);
    }

    @Test
    void cancelStopsTheRunningReportsThemAndNeverStartsTheQueued() {
        List<Variant> vs = List.of(tiny(0), tiny(1), tiny(2));
        AtomicInteger disposed = new AtomicInteger();
        Recorder rec = new Recorder(e -> Outcome.PASS, true) {
            @Override
            public Flux<?> launch(Execution e, Supplier<RunExecution> f, Consumer<RunSummary> onDone) {
                return super.launch(e, f, onDone).doOnCancel(disposed::incrementAndGet);
            }
        };
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(10, 2, 1.0), null, rec, 1);
        List<GauntletEvent> events = Collections.synchronizedList(new ArrayList<>());
        reactor.core.publisher.Mono<Void> done = ex.run(vs, 1).doOnNext(events::add).then().cache();
        done.subscribe();
        await(() -> rec.started.size() == 2);
        ex.cancel("Ctrl-C");
        done.block(Duration.ofSeconds(10));
        assertThat(disposed.get()).isEqualTo(2);
        assertThat(rec.vms.get()).isZero();
        assertThat(events.stream().filter(e -> e instanceof GauntletEvent.Cancelled))
                .extracting(e -> ((GauntletEvent.Cancelled) e).reason()).containsExactly("Ctrl-C", "Ctrl-C");
        assertThat(events.stream().filter(e -> e instanceof GauntletEvent.NotStarted)
                .map(e -> e.execution().streamKey())).containsExactly("t2/tiny-1llc/eevdf");
    }

    @Test
    void aCancelWhileARunHasItsVerdictButHasNotEndedStillEndsTheGauntlet() {
        Sinks.Empty<Void> tail = Sinks.empty();
        AtomicInteger verdicts = new AtomicInteger();
        GauntletExecutor.Launcher l = (e, f, onDone) -> Flux.defer(() -> {
            onDone.accept(summary(e, Outcome.PASS, 100));
            verdicts.incrementAndGet();
            return tail.asMono().flux(); // its tail (publishing the result) still runs
        });
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(64, Integer.MAX_VALUE, 1.0), null, l, 0);
        reactor.core.publisher.Mono<List<GauntletEvent>> all = ex.run(List.of(tiny(0), tiny(1)), 1).collectList()
                .cache();
        all.subscribe();
        await(() -> verdicts.get() == 2);
        ex.cancel("Ctrl-C");
        sleep(50);
        tail.tryEmitEmpty();
        List<GauntletEvent> events = all.block(Duration.ofSeconds(10));
        assertThat(events.stream().filter(e -> e instanceof GauntletEvent.Finished)).hasSize(2);
        ex.cancel("again, after the end"); // nothing left to cancel: no error
    }

    @Test
    void aCancelBeforeTheGauntletStartsReportsEverythingNotStarted() {
        Recorder rec = new Recorder(e -> Outcome.PASS, false);
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(64, Integer.MAX_VALUE, 1.0), null, rec, 0);
        Flux<GauntletEvent> flow = ex.run(List.of(tiny(0), tiny(1)), 1);
        ex.cancel("Ctrl-C");
        List<GauntletEvent> events = flow.collectList().block(Duration.ofSeconds(10));
        assertThat(events).hasSize(2).allMatch(e -> e instanceof GauntletEvent.NotStarted);
        assertThat(rec.started).isEmpty();
    }

    @Test
    void aHostReservationThatThrowsEndsTheGauntletWithItsErrorInsteadOfStallingIt() {
        Recorder rec = new Recorder(e -> Outcome.PASS, true);
        AtomicInteger calls = new AtomicInteger();
        HostReservation broken = new HostReservation() {
            @Override
            public boolean reserve(int cpus) {
                if (calls.incrementAndGet() > 1) {
                    throw new IllegalStateException("cannot open the lock file /tmp/ktstr-cpu-2.lock: errno 13");
                }
                return true;
            }

            @Override
            public void shrink(int cpus) {
            }

            @Override
            public void close() {
            }
        };
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(64, Integer.MAX_VALUE, 1.0), broken, rec, 0);
        List<GauntletEvent> events = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> error = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch end = new java.util.concurrent.CountDownLatch(1);
        ex.run(List.of(tiny(0), tiny(1), tiny(2)), 1).subscribe(events::add, t -> {
            error.set(t);
            end.countDown();
        }, end::countDown);
        try {
            assertThat(end.await(10, TimeUnit.SECONDS)).as("the gauntlet ends").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(error.get()).hasMessageContaining("errno 13");
        assertThat(events.stream().filter(e -> e instanceof GauntletEvent.Cancelled)).hasSize(1);
        assertThat(events.stream().filter(e -> e instanceof GauntletEvent.NotStarted)).hasSize(2);
    }

    @Test
    void hostLocksHeldByAnotherProcessMakeTheGauntletWait() {
        List<Variant> vs = List.of(tiny(0), tiny(1));
        Recorder rec = new Recorder(e -> Outcome.PASS, false);
        AtomicInteger free = new AtomicInteger(0);
        List<Integer> asked = new CopyOnWriteArrayList<>();
        HostReservation host = new HostReservation() {
            @Override
            public boolean reserve(int cpus) {
                asked.add(cpus);
                return cpus <= free.get();
            }

            @Override
            public void shrink(int cpus) {
            }

            @Override
            public void close() {
            }
        };
        GauntletExecutor ex = new GauntletExecutor(new CpuBudget(3, Integer.MAX_VALUE, 1.0), host, rec, 0);
        List<GauntletEvent> events = new CopyOnWriteArrayList<>();
        ex.run(vs, 1).subscribe(events::add);
        sleep(600);
        assertThat(rec.started).as("nothing starts while another process holds the CPUs").isEmpty();
        assertThat(asked.size()).as("polled again").isGreaterThan(1);
        free.set(2);
        await(() -> events.stream().filter(e -> e instanceof GauntletEvent.Finished).count() == 2);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
