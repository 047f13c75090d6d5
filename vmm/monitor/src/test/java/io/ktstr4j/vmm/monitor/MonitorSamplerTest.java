package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.DumpRequested;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.SchedDomainSnapshot;
import io.ktstr4j.vmm.hooks.VcpuCpuTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The sampler over a synthetic guest image laid out with the shipped kernel's real BTF offsets. */
class MonitorSamplerTest {

    static Btf btf;
    SyntheticGuest guest;
    VirtualTimeScheduler vts;
    AtomicInteger dumps;
    List<EventBody> events;
    Disposable sub;

    @BeforeAll
    static void loadBtf() {
        btf = Btf.load(KernelFiles.require("vmlinux.btf"));
    }

    @BeforeEach
    void setUp() {
        guest = new SyntheticGuest(btf, 4);
        vts = VirtualTimeScheduler.create();
        dumps = new AtomicInteger();
        events = new ArrayList<>();
    }

    MonitorSampler sampler(MonitorSampler.Options o, VcpuCpuTime time) {
        GuestKernel k = new GuestKernel(guest.memory(), guest.symbols(), btf, null);
        return new MonitorSampler(k, guest.cpus(), o, time, dumps::incrementAndGet, () -> vts.now(
                java.util.concurrent.TimeUnit.MILLISECONDS), () -> vts);
    }

    void start(MonitorSampler s) {
        sub = s.events().subscribe(events::add);
    }

    void tick(Runnable beforeTick) {
        beforeTick.run();
        vts.advanceTimeBy(Duration.ofMillis(100));
    }

    List<MonitorSample> samples() {
        return events.stream().filter(MonitorSample.class::isInstance).map(MonitorSample.class::cast).toList();
    }

    void busyClocks() {
        for (int c = 0; c < guest.cpus(); c++) {
            guest.advanceClock(c, 100_000_000L);
        }
    }

    @Test
    void readsRunQueueCountersBackPerCpu() {
        guest.setRq(0, 6, 5, 3, 1_000_000, 0x1);
        guest.setRq(1, 1, 1, 0, 2_000_000, 0);
        guest.writeRq(0, "rq_sched_info.run_delay", 123456);
        guest.writeRq(0, "sched_count", 77);
        guest.addDomains(0, 3);
        MonitorSampler s = sampler(MonitorSampler.Options.defaults(), VcpuCpuTime.NONE);
        start(s);
        tick(() -> {});
        assertThat(samples()).hasSize(1);
        MonitorSample m = samples().get(0);
        assertThat(m.elapsedMs()).isEqualTo(100);
        assertThat(m.cpus()).hasSize(4);
        CpuSnapshot c0 = m.cpus().get(0);
        assertThat(c0.nrRunning()).isEqualTo(6);
        assertThat(c0.scxNrRunning()).isEqualTo(5);
        assertThat(c0.localDsqDepth()).isEqualTo(3);
        assertThat(c0.rqClock()).isEqualTo(1_000_000);
        assertThat(c0.scxFlags()).isEqualTo(1);
        assertThat(c0.schedstat().runDelay()).isEqualTo(123456);
        assertThat(c0.schedstat().schedCount()).isEqualTo(77);
        assertThat(c0.eventCounters()).as("6.12 has no scx_event_stats").isNull();
        assertThat(c0.schedDomains()).extracting(SchedDomainSnapshot::name).containsExactly("SMT", "MC", "PKG");
        assertThat(c0.schedDomains()).extracting(SchedDomainSnapshot::level).containsExactly(0, 1, 2);
        assertThat(c0.schedDomains().get(2).spanWeight()).isEqualTo(4);
        assertThat(c0.schedDomains().get(1).stats().lbCount()).containsExactly(11L, 0L, 31L);
        assertThat(c0.schedDomains().get(0).newidleCall()).isNotNull(); // this 6.12 has the newidle counters
        assertThat(m.cpus().get(1).nrRunning()).isEqualTo(1);
        assertThat(m.cpus().get(1).schedDomains()).isEmpty();
        assertThat(s.errors().total()).isZero();
        sub.dispose();
    }

    @Test
    void kvmStatsOfEachVcpuLandInItsSampleAndABrokenStatsFileIsCountedNotFatal() {
        long[] exits = {100, 200, 300, 400};
        MonitorSampler s = sampler(MonitorSampler.Options.defaults(), VcpuCpuTime.NONE).withKvmStats(cpu -> {
            if (cpu == 3) {
                return java.util.Optional.of((dst, off) -> {
                    throw new IllegalStateException("stats fd gone");
                });
            }
            return java.util.Optional.of(KvmStatsLayoutTest.over(KvmStatsLayoutTest.statsFile(new Object[][] {
                {"exits", 0x0, 1, exits[cpu]}, {"halt_exits", 0x0, 1, 7L}, {"not_surfaced", 0x0, 1, 1L},
                {"halt_poll_success_hist", 0x4, 2, 3L}})));
        });
        start(s);
        tick(() -> {});
        List<CpuSnapshot> cpus = samples().get(0).cpus();
        assertThat(cpus.get(0).kvmStats()).containsExactly(java.util.Map.entry("exits", 100L),
                java.util.Map.entry("halt_exits", 7L));
        assertThat(cpus.get(2).kvmStats()).containsEntry("exits", 300L);
        assertThat(cpus.get(3).kvmStats()).isNull();
        assertThat(cpus.get(3).nrRunning()).as("the rest of the sample is still read").isNotNegative();
        assertThat(s.errors().count("kvm_stats")).isEqualTo(1);
        assertThat(sampler(MonitorSampler.Options.defaults(), VcpuCpuTime.NONE).kvmStats(0)).isNull();
        sub.dispose();
    }

    @Test
    void sustainedStallRequestsOneDumpWhileScxIsEnabled() {
        guest.setScx("SCX_OPS_ENABLED", "simple");
        guest.setRq(1, 2, 2, 0, 5_000_000, 0);
        MonitorSampler s = sampler(MonitorSampler.Options.defaults(), VcpuCpuTime.NONE);
        start(s);
        for (int i = 0; i < 5; i++) {
            tick(() -> {
                guest.advanceClock(0, 1_000_000);
                guest.advanceClock(2, 1_000_000);
                guest.advanceClock(3, 1_000_000);
            });
        }
        // 5 samples = 4 comparisons: not yet sustained
        assertThat(dumps.get()).isZero();
        tick(() -> guest.advanceClock(0, 1));
        assertThat(dumps.get()).isEqualTo(1);
        assertThat(events).filteredOn(DumpRequested.class::isInstance).singleElement()
                .extracting(e -> ((DumpRequested) e).reason()).asString().contains("stall").contains("cpu 1");
        for (int i = 0; i < 10; i++) {
            tick(() -> {});
        }
        assertThat(dumps.get()).as("one dump per run").isEqualTo(1);
        sub.dispose();
    }

    @Test
    void noDumpWithoutScxAndNoStallForIdleOrPreemptedCpus() {
        guest.setRq(1, 2, 0, 0, 5_000_000, 0); // runnable, clock stuck, but its vCPU is not running on the host
        // cpus 0, 2, 3: idle (nr_running 0) with stopped clocks: exempt
        AtomicLong host = new AtomicLong();
        VcpuCpuTime time = v -> OptionalLong.of(v == 1 ? 42 : host.addAndGet(20_000_000L));
        MonitorSampler s = sampler(MonitorSampler.Options.defaults().withDumpOnlyWithScx(false), time);
        start(s);
        for (int i = 0; i < 10; i++) {
            tick(() -> {});
        }
        assertThat(samples()).hasSize(10);
        assertThat(samples().get(0).cpus().get(1).vcpuCpuTimeNs()).isEqualTo(42);
        assertThat(events).noneMatch(DumpRequested.class::isInstance);
        sub.dispose();

        // The same stuck CPU with a running vCPU and no sched_ext enabled: detected, but no dump is asked for.
        events.clear();
        MonitorSampler s2 = sampler(MonitorSampler.Options.defaults(), VcpuCpuTime.NONE);
        start(s2);
        for (int i = 0; i < 10; i++) {
            tick(() -> {});
        }
        assertThat(dumps.get()).isZero();
        sub.dispose();
    }

    @Test
    void imbalanceOfSixSpinnersOnCpu0IsDetectedAfterFiveSamples() {
        guest.setScx("SCX_OPS_ENABLED", "simple");
        guest.setRq(0, 6, 6, 5, 0, 0);
        MonitorSampler s = sampler(MonitorSampler.Options.defaults(), VcpuCpuTime.NONE);
        start(s);
        for (int i = 0; i < 4; i++) {
            tick(this::busyClocks);
        }
        assertThat(events).noneMatch(DumpRequested.class::isInstance);
        tick(this::busyClocks);
        assertThat(events).filteredOn(DumpRequested.class::isInstance).singleElement()
                .extracting(e -> ((DumpRequested) e).reason()).asString().startsWith("imbalance");
        assertThat(samples()).allSatisfy(m -> assertThat(m.imbalanceRatio()).isEqualTo(6.0));
        sub.dispose();
    }

    @Test
    void hostileMemoryIsBoundedCountedAndNeverEndsTheStream() {
        guest.addDomains(0, 2);
        // cpu0: the parent of MC points back at SMT: a loop
        guest.writeField(guest.domainPhys(0, 1), "sched_domain.parent",
                SyntheticGuest.directMap(guest.domainPhys(0, 0)));
        // cpu1: sd points far outside guest RAM
        guest.writeRq(1, "sd", SyntheticGuest.directMap(1L << 40));
        MonitorSampler s = sampler(MonitorSampler.Options.defaults(), VcpuCpuTime.NONE);
        start(s);
        tick(() -> {});
        CpuSnapshot c0 = samples().get(0).cpus().get(0);
        assertThat(c0.schedDomains()).hasSize(2);
        assertThat(s.errors().count(MonitorErrors.SCHED_DOMAIN_LOOP)).isEqualTo(1);
        assertThat(samples().get(0).cpus().get(1).schedDomains()).isNull();
        assertThat(s.errors().count(MonitorErrors.SCHED_DOMAIN)).isEqualTo(1);

        // cpu2's per-CPU offset is garbage: its rq is unreadable, the sample is skipped and counted
        guest.setPerCpuOffset(2, 0xdead000000000000L);
        tick(() -> {});
        assertThat(samples()).hasSize(1);
        assertThat(s.errors().count(MonitorErrors.RQ)).isEqualTo(1);
        // repaired: sampling resumes on the same subscription
        guest.setPerCpuOffset(2, SyntheticGuest.directMap(guest.rqPhys(2) - SyntheticGuest.RUNQUEUES));
        tick(() -> {});
        assertThat(samples()).hasSize(2);
        assertThat(sub.isDisposed()).isFalse();
        sub.dispose();
    }

    @Test
    void waitsForTheKernelThenSamples() {
        // The banner is not in RAM yet: the kernel is still being decompressed
        byte[] zero = new byte[64];
        guest.memory().write(SyntheticGuest.text(SyntheticGuest.BANNER), zero, 0, zero.length);
        MonitorSampler s = sampler(MonitorSampler.Options.defaults(), VcpuCpuTime.NONE);
        start(s);
        tick(() -> {});
        tick(() -> {});
        assertThat(samples()).isEmpty();
        assertThat(s.errors().count(MonitorErrors.ATTACH)).isEqualTo(2);
        byte[] banner = "Linux version x".getBytes();
        guest.memory().write(SyntheticGuest.text(SyntheticGuest.BANNER), banner, 0, banner.length);
        tick(() -> {});
        assertThat(samples()).hasSize(1);
        sub.dispose();
    }

    @Test
    void anAttachMadeBeforeTheKernelFixedItsPagingVariablesIsRedone() {
        // The banner is in RAM but early startup has not set page_offset_base yet (seen under TCG: an attach in that
        // window read a 5-level guest as 4-level and every later sample failed).
        guest.memory().writeU64(SyntheticGuest.text(SyntheticGuest.PAGE_OFFSET_BASE), 0xffff888100000000L);
        guest.setRq(0, 6, 6, 0, 1_000_000, 0);
        MonitorSampler s = sampler(MonitorSampler.Options.defaults(), VcpuCpuTime.NONE);
        start(s);
        tick(() -> {});
        assertThat(samples()).isEmpty();
        assertThat(s.errors().count(MonitorErrors.RQ)).isEqualTo(1);
        assertThat(s.kernel().reattaches()).isEqualTo(1);
        guest.memory().writeU64(SyntheticGuest.text(SyntheticGuest.PAGE_OFFSET_BASE), SyntheticGuest.PAGE_OFFSET);
        tick(() -> {});
        assertThat(samples()).singleElement().satisfies(m -> assertThat(m.cpus().get(0).nrRunning()).isEqualTo(6));
        sub.dispose();
    }

    @Test
    void cancellingDisposesTheSamplingThread() throws InterruptedException {
        GuestKernel k = new GuestKernel(guest.memory(), guest.symbols(), btf, null);
        MonitorSampler s = new MonitorSampler(k, 4, MonitorSampler.Options.defaults().withPeriod(Duration.ofMillis(5)),
                null, null, System::currentTimeMillis);
        java.util.concurrent.CountDownLatch three = new java.util.concurrent.CountDownLatch(3);
        Disposable d = s.samples().subscribe(x -> three.countDown());
        assertThat(three.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        d.dispose();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (monitorThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(monitorThreads()).isZero();
    }

    static long monitorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("ktstr-monitor") && t.isAlive()).count();
    }
}
