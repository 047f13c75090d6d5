package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.EventsDropped;
import io.ktstr4j.schemas.event.FailureReport;
import io.ktstr4j.schemas.event.GuestExit;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.schemas.event.InitStage;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunSidecar;
import io.ktstr4j.schemas.event.RunVerdict;
import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.SchedExit;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.TestResult;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.event.WorkerReports;
import io.ktstr4j.schemas.report.AssertResult;
import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.report.WorkerReport;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.schemas.topology.TopologyPresets;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.vmm.VmConfigException;
import io.ktstr4j.vmm.channel.GuestLink;
import io.ktstr4j.vmm.plan.RawAgentPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import io.ktstr4j.schemas.verdict.Verdict;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

public class VariantRunnerTest {

    static final long SEC = 1_000_000_000L;

    static Variant variant(SchedulerChoice s) {
        return new Variant("steady", "tiny-2llc", TopologyPresets.get("tiny-2llc"), s, Path.of("/k/bzImage"),
                new RawAgentPlan("ktstr4j-plan v1\n"), Duration.ofSeconds(2), 256, Duration.ofSeconds(20),
                Thresholds.resolve(ThresholdMode.RELEASE), List.of(), List.of(), "CpuSpin");
    }

    static WorkerReport report(int tid, long work) {
        return WorkerReport.builder().tid(tid).workUnits(work).cpuTimeNs(2 * SEC).wallTimeNs(2 * SEC)
                .offCpuNs(SEC / 10).migrationCount(1).cpusUsed(List.of(0)).maxGapMs(20).maxGapAtMs(100)
                .iterations(work / 1024).schedstatRunDelayNs(tid * 10_000L).completed(true).build();
    }

    public static GuestLink.Factory guest(List<GuestMessage> msgs) {
        return vm -> GuestLink.receiving(gone -> Flux.fromIterable(msgs).concatWith(gone.then(reactor.core.publisher.Mono.empty())));
    }

    public static List<GuestMessage> healthy(long secondWorkerWork) {
        return List.of(new InitStage(InitStage.INIT_STARTED), new ScenarioStart(),
                new Stimulus(0, 0, 1, 1, 1, 2, 0),
                new WorkerReports("cg0", List.of(report(10, 100_000), report(11, secondWorkerWork))),
                new TestResult(AssertResult.pass(ScenarioStats.empty())), new ScenarioEnd(2000), new GuestExit(0));
    }

    static VariantRunner runner(FakeVm vm, RuntimeException fail, GuestLink.Factory ch, int buffer) {
        return new VariantRunner(FakeVm.backend(vm, fail), v -> List.of(), ch, MonitorSource.NONE, null, buffer,
                false);
    }

    @Test
    void healthyRunEndsWithPassVerdictResultAndVmExitInOrderWithConsecutiveSeqs() throws Exception {
        FakeVm vm = new FakeVm(5, false);
        AtomicReference<RunSummary> summary = new AtomicReference<>();
        VariantRunner runner = runner(vm, null, guest(healthy(99_000)), 1024);
        List<RunEvent> events = runner.run(variant(SchedulerChoice.eevdf()), summary::set)
                .collectList().block(Duration.ofSeconds(10));
        assertThat(runner.awaitClosed(Duration.ofSeconds(5))).isTrue();
        assertThat(events).isNotEmpty();
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).seq()).isEqualTo(i);
            assertThat(events.get(i).variantKey()).isEqualTo("steady/tiny-2llc/eevdf");
            assertThat(events.get(i).runId()).isEqualTo(events.get(0).runId());
        }
        int n = events.size();
        assertThat(events.get(n - 3).body()).isInstanceOf(RunVerdict.class);
        assertThat(((RunVerdict) events.get(n - 3).body()).verdict().outcome()).isEqualTo(Outcome.PASS);
        assertThat(events.get(n - 2).body()).isInstanceOf(RunSidecar.class);
        assertThat(events.get(n - 1).body()).isInstanceOf(VmExited.class);
        assertThat(events).noneMatch(e -> e.body() instanceof FailureReport);
        var sidecar = ((RunSidecar) events.get(n - 2).body()).result();
        assertThat(sidecar.passed()).isTrue();
        assertThat(sidecar.testName()).isEqualTo("steady");
        assertThat(sidecar.topology()).isEqualTo("1n2l2c1t");
        assertThat(sidecar.scheduler()).isEqualTo("eevdf");
        assertThat(sidecar.stats().totalWorkers()).isEqualTo(2);
        // workers 10 and 11 waited 100 and 110 µs for a CPU (report(): tid x 10 µs)
        assertThat(sidecar.stats().worstMeanRunDelayUs()).isEqualTo(105.0);
        assertThat(sidecar.stats().worstRunDelayUs()).isEqualTo(110.0);
        assertThat(sidecar.stats().cgroups().get(0).meanRunDelayUs()).isEqualTo(105.0);
        assertThat(sidecar.resolvedThresholds().maxGapMs()).isEqualTo(2000L);
        assertThat(sidecar.variantKey()).isEqualTo("steady/tiny-2llc/eevdf");
        assertThat(sidecar.backend()).isEqualTo("fake");
        assertThat(vm.closeCalls.get()).isGreaterThanOrEqualTo(1);
        assertThat(summary.get().verdict().outcome()).isEqualTo(Outcome.PASS);
        assertThat(summary.get().timings().wallMs()).isGreaterThanOrEqualTo(0);
    }

    /**
     * A VM that ended by itself is released after its verdict, not before: the unmap of guest RAM is not on the
     * variant's path, and awaitClosed (what a gauntlet's end waits on) still waits for it.
     */
    @Test
    void aVmThatEndedIsReleasedAfterItsVerdictAndAwaitClosedWaitsForIt() throws Exception {
        FakeVm vm = new FakeVm(2, false).closing(1500);
        VariantRunner runner = runner(vm, null, guest(healthy(99_000)), 1024);
        List<RunEvent> events = runner.run(variant(SchedulerChoice.eevdf())).collectList()
                .block(Duration.ofSeconds(10));
        assertThat(events).anyMatch(e -> e.body() instanceof RunVerdict);
        // close() takes 1.5 s: had the run waited for it, the VM would be closed by now
        assertThat(runner.awaitClosed(Duration.ofMillis(50))).as("the run waited for the release").isFalse();
        assertThat(runner.awaitClosed(Duration.ofSeconds(5))).isTrue();
        assertThat(vm.closeCalls.get()).isEqualTo(1);
    }

    /** A run cancelled while its VM is being created closes that VM once it exists: nothing is left open. */
    @Test
    void aCancelWhileTheVmIsBeingCreatedClosesItOnceItExists() throws Exception {
        FakeVm vm = new FakeVm(1, true);
        java.util.concurrent.CountDownLatch creating = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch proceed = new java.util.concurrent.CountDownLatch(1);
        VariantRunner runner = new VariantRunner(FakeVm.backend(() -> {
            creating.countDown();
            try {
                proceed.await(); // an interrupt (the cancel of subscribeOn's task) does not stop the creation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return vm;
        }), x -> List.of(), GuestLink.Factory.NONE, MonitorSource.NONE, null, 64, false);
        reactor.core.Disposable d = runner.run(variant(SchedulerChoice.eevdf())).subscribe(e -> { }, e -> { });
        assertThat(creating.await(5, TimeUnit.SECONDS)).isTrue();
        d.dispose();
        proceed.countDown();
        assertThat(runner.awaitClosed(Duration.ofSeconds(5))).as("the late VM was closed").isTrue();
        assertThat(vm.closeCalls.get()).isGreaterThanOrEqualTo(1);
    }

    /** A KTSTR_EXIT code beyond int on COM2 is a guest protocol problem named in the verdict, not an ERROR. */
    @Test
    void anOutOfRangeExitMarkerIsNamedAsAGuestProtocolProblem() {
        FakeVm vm = new FakeVm(2, false, List.of("KTSTR_EXIT=99999999999"));
        AtomicReference<RunSummary> summary = new AtomicReference<>();
        runner(vm, null, guest(healthy(99_000)), 1024).run(variant(SchedulerChoice.eevdf()), summary::set)
                .blockLast(Duration.ofSeconds(10));
        var verdict = summary.get().verdict();
        assertThat(verdict.outcome()).isEqualTo(Outcome.PASS);
        assertThat(verdict.reasons()).anySatisfy(r -> {
            assertThat(r.kind()).isEqualTo(DetailKind.OTHER);
            assertThat(r.message()).isEqualTo("guest protocol: COM2 line 'KTSTR_EXIT=99999999999': exit code "
                    + "99999999999 is outside the int range the agent writes; ignored");
        });
        assertThat(summary.get().infrastructureCause()).isNull();
    }

    /** One command is one run: every variant carries the caller's run id; event ids stay apart by the variant key. */
    @Test
    void variantsOfOneRunShareTheCallersRunIdAndKeepDistinctEventIds() {
        String runId = RunIds.next();
        List<RunSummary> summaries = new ArrayList<>();
        List<RunEvent> events = new ArrayList<>();
        for (SchedulerChoice s : List.of(SchedulerChoice.eevdf(),
                SchedulerChoice.binary(Path.of("/x/scx_qmap"), List.of()))) {
            events.addAll(runner(new FakeVm(0, false), new VmConfigException("no VM here"), GuestLink.Factory.NONE, 16)
                    .run(runId, variant(s), summaries::add).collectList().block(Duration.ofSeconds(10)));
        }
        assertThat(events).extracting(RunEvent::runId).containsOnly(runId);
        assertThat(events).extracting(RunEvent::variantKey)
                .containsOnly("steady/tiny-2llc/eevdf", "steady/tiny-2llc/scx_qmap");
        assertThat(events).extracting(RunEvent::eventId).doesNotHaveDuplicates();
        assertThat(summaries).extracting(RunSummary::runId).containsExactly(runId, runId);
        assertThat(events.stream().map(RunEvent::body).filter(RunSidecar.class::isInstance)
                .map(b -> ((RunSidecar) b).result().runId())).containsOnly(runId);
    }

    /** relative_to: the runner keeps the baseline's result and judges the later variant by the ratio to it. */
    @Test
    void aVariantJudgedAgainstItsBaselineFailsOnTheRatioNamingBothValues() {
        Variant base = variant(SchedulerChoice.eevdf());
        base = new Variant(base.testName(), base.preset(), base.topology(), base.scheduler(), base.kernel(),
                base.plan(), base.duration(), base.memoryMb(), base.watchdog(), base.thresholds(), base.kargs(),
                base.sysctls(), base.workType(), null, 0, List.of(), false, null, new VariantRelation.Baseline(), null);
        var check = new io.ktstr4j.schemas.spec.RelativeTo("eevdf", null,
                java.util.Map.of("worst_mean_run_delay_us", 1.5));
        Variant judged = new Variant(base.testName(), "judged", base.topology(), base.scheduler(), base.kernel(),
                base.plan(), base.duration(), base.memoryMb(), base.watchdog(), base.thresholds(), base.kargs(),
                base.sysctls(), base.workType(), null, 0, List.of(), false, null,
                new VariantRelation.JudgedAgainst(base.key(), check), null);
        // the judged variant's workers waited twice as long for a CPU: tids 20, 21 -> 200 and 210 µs
        List<GuestMessage> slower = new ArrayList<>(healthy(99_000));
        slower.replaceAll(m -> m instanceof WorkerReports ? new WorkerReports("cg0", List.of(report(20, 100_000),
                report(21, 99_000))) : m);
        List<GuestMessage> fast = healthy(99_000);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        GuestLink.Factory twoRuns = vm -> guest(runs.getAndIncrement() == 0 ? fast : slower).open(vm);
        VariantRunner r = new VariantRunner(FakeVm.backend(new FakeVm(1, false), null), v -> List.of(), twoRuns,
                MonitorSource.NONE, null, 1024, false);

        Verdict baseVerdict = verdictOf(r.run("run-1", base).collectList().block(Duration.ofSeconds(10)));
        Verdict judgedVerdict = verdictOf(r.run("run-1", judged).collectList().block(Duration.ofSeconds(10)));
        assertThat(baseVerdict.outcome()).isEqualTo(Outcome.PASS);
        assertThat(judgedVerdict.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(judgedVerdict.reasons()).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(DetailKind.BENCHMARK);
            assertThat(x.message()).isEqualTo("relative to eevdf (steady/tiny-2llc/eevdf): worst_mean_run_delay_us "
                    + "205 vs baseline 105 = ratio 1.95, above max_ratio 1.50");
        });
        // another run of the same runner has no baseline yet: nothing to compare with
        Verdict orphan = verdictOf(r.run("run-2", judged).collectList().block(Duration.ofSeconds(10)));
        assertThat(orphan.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    }

    static Verdict verdictOf(List<RunEvent> events) {
        return events.stream().map(RunEvent::body).filter(RunVerdict.class::isInstance).map(RunVerdict.class::cast)
                .findFirst().orElseThrow().verdict();
    }

    @Test
    void starvedWorkerFailsWithAFailureReport() {
        List<RunEvent> events = runner(new FakeVm(3, false), null, guest(healthy(0)), 1024)
                .run(variant(SchedulerChoice.eevdf())).collectList().block(Duration.ofSeconds(10));
        RunVerdict v = events.stream().map(RunEvent::body).filter(RunVerdict.class::isInstance)
                .map(RunVerdict.class::cast).findFirst().orElseThrow();
        assertThat(v.verdict().outcome()).isEqualTo(Outcome.FAIL);
        assertThat(v.verdict().reasons()).extracting(r -> r.kind()).containsExactly(DetailKind.STARVED);
        FailureReport fr = events.stream().map(RunEvent::body).filter(FailureReport.class::isInstance)
                .map(FailureReport.class::cast).findFirst().orElseThrow();
        assertThat(fr.consoleTail()).contains("console 2");
        assertThat(fr.initStage()).isEqualTo("INIT_STARTED");
    }

    @Test
    void schedulerDeathFails() {
        List<GuestMessage> msgs = new ArrayList<>(List.of(new InitStage("SCHED_STARTED"), new ScenarioStart(),
                new SchedExit(1)));
        List<RunEvent> events = runner(new FakeVm(1, false), null, guest(msgs), 1024)
                .run(variant(SchedulerChoice.binary(Path.of("/x/scx_qmap"), List.of()))).collectList()
                .block(Duration.ofSeconds(10));
        RunVerdict v = (RunVerdict) events.stream().map(RunEvent::body).filter(RunVerdict.class::isInstance)
                .findFirst().orElseThrow();
        assertThat(v.verdict().outcome()).isEqualTo(Outcome.FAIL);
        assertThat(v.verdict().reasons().get(0).kind()).isEqualTo(DetailKind.SCHEDULER_DIED);
        assertThat(events.get(0).variantKey()).isEqualTo("steady/tiny-2llc/scx_qmap");
    }

    @Test
    void backendFailureBecomesAnErrorVerdictNotAnErrorSignal() {
        StepVerifier.create(runner(new FakeVm(0, false), new VmConfigException("kernel: /k/bzImage does not exist"),
                        GuestLink.Factory.NONE, 16).run(variant(SchedulerChoice.eevdf())))
                .assertNext(e -> {
                    assertThat(e.seq()).isZero();
                    RunVerdict v = (RunVerdict) e.body();
                    assertThat(v.verdict().outcome()).isEqualTo(Outcome.ERROR);
                    assertThat(v.verdict().reasons().get(0).kind()).isEqualTo(DetailKind.INFRASTRUCTURE);
                    assertThat(v.verdict().reasons().get(0).message()).contains("/k/bzImage does not exist");
                })
                .assertNext(e -> assertThat(e.body()).isInstanceOf(FailureReport.class))
                .assertNext(e -> assertThat(((RunSidecar) e.body()).result().outcome()).isEqualTo(Outcome.ERROR))
                .verifyComplete();
    }

    @Test
    void vmThatNeverReachesInitIsAnError() {
        List<RunEvent> events = runner(new FakeVm(4, false), null, GuestLink.Factory.NONE, 64)
                .run(variant(SchedulerChoice.eevdf())).collectList().block(Duration.ofSeconds(10));
        RunVerdict v = (RunVerdict) events.stream().map(RunEvent::body).filter(RunVerdict.class::isInstance)
                .findFirst().orElseThrow();
        assertThat(v.verdict().outcome()).isEqualTo(Outcome.ERROR);
        assertThat(v.verdict().reasons().get(0).message()).contains("never reached init");
    }

    /** One message as the agent writes it on COM2 when it has no SHM ring. */
    static List<String> com2Block(int type, byte[] payload) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(payload);
        return List.of(String.format("===KTSTR4J_MSG_START %08x %d %08x===", type, payload.length, crc.getValue()),
                java.util.HexFormat.of().formatHex(payload), "===KTSTR4J_MSG_END===");
    }

    static byte[] le32(int v) {
        return java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    @Test
    void withoutTheRingTheGuestsComTwoMessagesAreDecodedAndJudged() {
        List<String> com2 = new ArrayList<>();
        com2.add("KTSTR4J_STAGE=INIT_STARTED");
        com2.addAll(com2Block(io.ktstr4j.vmm.channel.ShmLayout.MSG_INIT_STAGE,
                "INIT_STARTED".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        com2.addAll(com2Block(io.ktstr4j.vmm.channel.ShmLayout.MSG_SCENARIO_START, new byte[0]));
        com2.addAll(com2Block(io.ktstr4j.vmm.channel.ShmLayout.MSG_WORKER_REPORTS, io.ktstr4j.schemas.json.Json
                .write(new WorkerReports("cg0", List.of(report(10, 100_000), report(11, 0))))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        com2.addAll(com2Block(io.ktstr4j.vmm.channel.ShmLayout.MSG_TEST_RESULT, io.ktstr4j.schemas.json.Json
                .write(AssertResult.pass(ScenarioStats.empty())).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        com2.addAll(com2Block(io.ktstr4j.vmm.channel.ShmLayout.MSG_SCENARIO_END, le32(2000)));
        com2.addAll(com2Block(io.ktstr4j.vmm.channel.ShmLayout.MSG_EXIT, le32(0)));
        com2.add("===KTSTR4J_MSG_START 45584954 4 00000000==="); // cut off by the VM's end
        AtomicReference<RunSummary> summary = new AtomicReference<>();
        List<RunEvent> events = runner(new FakeVm(2, false, com2), null, GuestLink.Factory.NONE, 1024)
                .run(variant(SchedulerChoice.eevdf()), summary::set).collectList().block(Duration.ofSeconds(10));
        List<String> types = events.stream().map(e -> e.body().typeName()).toList();
        assertThat(types).contains("guest.init_stage", "guest.scenario_start", "guest.worker_reports",
                "guest.test_result", "guest.scenario_end", "guest.exit", "guest.channel_error");
        // the hex lines are messages now, not console lines
        assertThat(events).noneMatch(e -> e.body() instanceof io.ktstr4j.schemas.event.ConsoleLine c
                && c.line().contains("KTSTR4J_MSG"));
        assertThat(events).anyMatch(e -> e.body() instanceof io.ktstr4j.schemas.event.ConsoleLine c
                && c.line().equals("KTSTR4J_STAGE=INIT_STARTED"));
        // judged like ring messages: worker 11 did no work
        assertThat(summary.get().verdict().outcome()).isEqualTo(Outcome.FAIL);
        assertThat(summary.get().verdict().reasons()).anySatisfy(r -> assertThat(r.message()).contains("starved"));
    }

    @Test
    void cancellingClosesTheVm() throws Exception {
        FakeVm vm = new FakeVm(1, true);
        StepVerifier.create(runner(vm, null, GuestLink.Factory.NONE, 64).run(variant(SchedulerChoice.eevdf())))
                .expectNextCount(1)
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!vm.closed.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(vm.closed).isTrue();
    }

    @Test
    void slowSubscriberNeverStallsTheVmAndDropsAreCounted() throws Exception {
        FakeVm vm = new FakeVm(20_000, false);
        Flux<RunEvent> flux = runner(vm, null, guest(healthy(100_000)), 100).run(variant(SchedulerChoice.eevdf()));
        List<RunEvent> got = new ArrayList<>();
        StepVerifier.create(flux, 1)
                .recordWith(() -> got)
                .expectNextCount(1)
                // The "vCPU" thread finishes pushing 20 000 lines while nothing more is requested.
                .then(() -> assertThat(await(vm)).isTrue())
                .thenRequest(Long.MAX_VALUE)
                .thenConsumeWhile(e -> true)
                .verifyComplete();
        EventsDropped dropped = got.stream().map(RunEvent::body).filter(EventsDropped.class::isInstance)
                .map(EventsDropped.class::cast).findFirst().orElseThrow();
        assertThat(dropped.count()).isPositive();
        assertThat(got.size()).isLessThan(20_000);
        // Dropping delivery did not lose the facts: the verdict still saw the worker reports.
        RunVerdict v = (RunVerdict) got.stream().map(RunEvent::body).filter(RunVerdict.class::isInstance)
                .findFirst().orElseThrow();
        assertThat(v.verdict().outcome()).isEqualTo(Outcome.PASS);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).seq()).isEqualTo(i);
        }
    }

    /** 4000 guest messages of 64 KiB (256 MiB) against a subscriber that waits: the buffer holds its byte bound. */
    @Test
    void aFloodOfLargeMessagesIsBoundedByBytesNotOnlyByCount() throws Exception {
        FakeVm vm = new FakeVm(0, false);
        java.util.concurrent.CountDownLatch flooded = new java.util.concurrent.CountDownLatch(1);
        int n = 4000;
        String big = "g".repeat(64 * 1024 - 16);
        GuestLink.Factory flood = v -> GuestLink.receiving(gone -> Flux.range(0, n)
                .<GuestMessage>map(i -> new io.ktstr4j.schemas.event.GuestCrash(i + big))
                .doOnComplete(flooded::countDown)
                .concatWith(gone.then(reactor.core.publisher.Mono.empty())));
        Flux<RunEvent> flux = runner(vm, null, flood, VariantRunner.DEFAULT_BUFFER).run(variant(SchedulerChoice.eevdf()));
        List<RunEvent> got = new ArrayList<>();
        StepVerifier.create(flux, 1)
                .recordWith(() -> got)
                .expectNextCount(1)
                .then(() -> {
                    try {
                        assertThat(flooded.await(10, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                })
                .thenRequest(Long.MAX_VALUE)
                .thenConsumeWhile(e -> true)
                .verifyComplete();
        long crashes = got.stream().filter(e -> e.body() instanceof io.ktstr4j.schemas.event.GuestCrash).count();
        long bound = VariantRunner.MAX_BUFFER_BYTES / (2L * big.length()) + 2;
        assertThat(crashes).as("64 KiB messages buffered for the slow subscriber").isBetween(1L, bound);
        EventsDropped dropped = got.stream().map(RunEvent::body).filter(EventsDropped.class::isInstance)
                .map(EventsDropped.class::cast).filter(d -> d.stage().equals("live")).findFirst().orElseThrow();
        assertThat(dropped.count()).isGreaterThanOrEqualTo(n - bound);
    }

    private static boolean await(FakeVm vm) {
        try {
            return vm.producerDone.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
