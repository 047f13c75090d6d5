package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.Snapshot;
import io.ktstr4j.vmm.ArrayGuestMemory;
import io.ktstr4j.vmm.hooks.MonitorHooks;
import io.ktstr4j.vmm.hooks.VmFreezer;
import io.ktstr4j.vmm.monitor.Btf;
import io.ktstr4j.vmm.monitor.GuestKernel;
import io.ktstr4j.vmm.monitor.MonitorSampler;
import io.ktstr4j.vmm.monitor.Snapshotter;
import io.ktstr4j.vmm.monitor.SyntheticGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The monitor of one VM over a synthetic guest image laid out with the shipped kernel's BTF (no VM): samples until
 * the VM is gone, periodic snapshots anchored at SCENARIO_START with the guest frozen, problems reported.
 */
class MonitorSessionTest {

    static Btf btf;

    @BeforeAll
    static void needsTheShippedBtf() {
        Path k = Defaults.kernel().orElse(null);
        Path b = k == null ? null : k.toAbsolutePath().getParent().resolve("vmlinux.btf");
        Assumptions.assumeTrue(b != null && Files.isReadable(b), "no vmlinux.btf next to the shared kernel "
                + "(set KTSTR4J_KERNEL); the synthetic guest needs real BTF offsets");
        btf = Btf.load(b);
    }

    /** Polls (the host may be busy: fixed sleeps make flaky tests here). */
    static void awaitTrue(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }

    static final MonitorSampler.Options FAST = MonitorSampler.Options.defaults().withPeriod(Duration.ofMillis(20));

    static Variant variant(Duration duration, int snapshots) {
        Variant v = VariantRunnerTest.variant(SchedulerChoice.eevdf());
        return new Variant(v.testName(), v.preset(), v.topology(), v.scheduler(), v.kernel(), v.plan(), duration,
                v.memoryMb(), v.watchdog(), v.thresholds(), v.kargs(), v.sysctls(), v.workType(), null, snapshots);
    }

    /** Counts freezes and thaws, and takes a moment like a QMP round trip. */
    static final class CountingFreezer implements VmFreezer {
        final AtomicInteger freezes = new AtomicInteger();
        final AtomicInteger thaws = new AtomicInteger();

        @Override
        public void freeze() {
            freezes.incrementAndGet();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void thaw() {
            thaws.incrementAndGet();
        }
    }

    record Run(List<EventBody> events, List<String> problems) {
        List<MonitorSample> samples() {
            return events.stream().filter(MonitorSample.class::isInstance).map(MonitorSample.class::cast).toList();
        }

        List<Snapshot> snapshots() {
            return events.stream().filter(Snapshot.class::isInstance).map(Snapshot.class::cast).toList();
        }
    }

    @Test
    void samplesTheGuestsRunQueuesUntilTheVmIsGone() throws Exception {
        SyntheticGuest g = new SyntheticGuest(btf, 4);
        g.setRq(0, 6, 6, 3, 5_000_000L, 1);
        Sinks.Empty<Void> gone = Sinks.empty();
        List<String> problems = new CopyOnWriteArrayList<>();
        MonitorContext ctx = new MonitorContext(gone.asMono(), Mono.empty(), problems::add);
        MonitorSession s = new MonitorSession(new GuestKernel(g.memory(), g.symbols(), btf, null),
                variant(Duration.ofSeconds(1), 3), MonitorHooks.NONE, ctx, FAST, Snapshotter.Options.defaults(),
                () -> 0);
        List<EventBody> got = new CopyOnWriteArrayList<>();
        var done = new java.util.concurrent.CountDownLatch(1);
        s.events().doOnTerminate(done::countDown).subscribe(got::add);
        awaitTrue(() -> got.size() >= 3);
        gone.tryEmitEmpty();
        assertThat(done.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("completes once the VM is gone").isTrue();
        int n = got.size();
        Thread.sleep(100);
        assertThat(got).as("nothing after the VM is gone").hasSize(n);

        Run r = new Run(got, problems);
        assertThat(r.samples()).hasSizeGreaterThanOrEqualTo(3);
        MonitorSample first = r.samples().get(0);
        assertThat(first.cpus()).hasSize(4);
        assertThat(first.cpus().get(0).nrRunning()).isEqualTo(6);
        assertThat(first.cpus().get(0).localDsqDepth()).isEqualTo(3);
        assertThat(first.cpus().get(1).nrRunning()).isZero();
        assertThat(r.snapshots()).as("no SCENARIO_START, no periodic snapshot").isEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void threePeriodicSnapshotsLandInsideTheWindowEachWithTheGuestFrozen() throws Exception {
        SyntheticGuest g = new SyntheticGuest(btf, 4);
        g.setScx("SCX_OPS_ENABLED", "simple");
        Sinks.Empty<Void> gone = Sinks.empty();
        Sinks.One<ScenarioStart> start = Sinks.one();
        CountingFreezer freezer = new CountingFreezer();
        long t0 = System.nanoTime();
        java.util.function.LongSupplier elapsed = () -> (System.nanoTime() - t0) / 1_000_000;
        MonitorContext ctx = new MonitorContext(gone.asMono(), start.asMono(), p -> { });
        // Captures due at +350, +750 and +1150 ms; the window is +150..+1350 ms (room for a busy 2-core host).
        Duration workload = Duration.ofMillis(1500);
        MonitorSession s = new MonitorSession(new GuestKernel(g.memory(), g.symbols(), btf, null),
                variant(workload, 3), new MonitorHooks(freezer, null, null, "test"), ctx, FAST,
                Snapshotter.Options.defaults(), elapsed);
        List<EventBody> got = new CopyOnWriteArrayList<>();
        s.events().subscribe(got::add);
        Thread.sleep(100);
        long startMs = elapsed.getAsLong();
        start.tryEmitValue(new ScenarioStart());
        awaitTrue(() -> got.stream().filter(Snapshot.class::isInstance).count() >= 3);
        Thread.sleep(300); // and no fourth
        gone.tryEmitEmpty();

        List<Snapshot> snaps = new Run(got, List.of()).snapshots();
        assertThat(snaps).extracting(Snapshot::index).containsExactly(0, 1, 2);
        for (Snapshot sn : snaps) {
            long at = sn.elapsedMs() - startMs;
            assertThat(at).as("snapshot %d at +%d ms", sn.index(), at).isBetween(150L, 1350L);
            assertThat(sn.freezeNs()).isPositive();
            assertThat(sn.cpus()).hasSize(4);
            assertThat(sn.scx().ops()).isEqualTo("simple");
        }
        assertThat(freezer.freezes).hasValue(3);
        assertThat(freezer.thaws).hasValue(3);
    }

    @Test
    void cancellingStopsSamplingAndSnapshotsAndReleasesTheirThreads() throws Exception {
        SyntheticGuest g = new SyntheticGuest(btf, 4);
        CountingFreezer freezer = new CountingFreezer();
        Sinks.One<ScenarioStart> start = Sinks.one();
        List<String> problems = new CopyOnWriteArrayList<>();
        MonitorContext ctx = new MonitorContext(Mono.never(), start.asMono(), problems::add);
        MonitorSession s = new MonitorSession(new GuestKernel(g.memory(), g.symbols(), btf, null),
                variant(Duration.ofSeconds(10), 3), new MonitorHooks(freezer, null, null, "test"), ctx, FAST,
                Snapshotter.Options.defaults(), () -> 0);
        List<EventBody> got = new CopyOnWriteArrayList<>();
        var sub = s.events().subscribe(got::add);
        start.tryEmitValue(new ScenarioStart());
        Thread.sleep(150);
        sub.dispose();
        int n = got.size();
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (monitorThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(monitorThreads()).as("sampling and snapshot threads after cancel").isZero();
        Thread.sleep(100);
        assertThat(got).as("nothing after cancel").hasSize(n);
        assertThat(freezer.freezes.get()).isEqualTo(freezer.thaws.get());
        assertThat(problems).as("a cancelled run has nothing to explain").isEmpty();
    }

    static long monitorThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith("ktstr-monitor") || t.getName().startsWith("ktstr-snapshot"))
                .count();
    }

    @Test
    void aKernelNeverFoundInGuestRamIsReportedAsTheReasonForNoSamples() throws Exception {
        SyntheticGuest g = new SyntheticGuest(btf, 4);
        ArrayGuestMemory empty = new ArrayGuestMemory((int) g.memory().size());
        Sinks.Empty<Void> gone = Sinks.empty();
        List<String> problems = new CopyOnWriteArrayList<>();
        MonitorContext ctx = new MonitorContext(gone.asMono(), Mono.empty(), problems::add);
        MonitorSession s = new MonitorSession(new GuestKernel(empty, g.symbols(), btf, null),
                variant(Duration.ofSeconds(1), 0), MonitorHooks.NONE, ctx, FAST, Snapshotter.Options.defaults(),
                () -> 0);
        List<EventBody> got = new CopyOnWriteArrayList<>();
        var done = new java.util.concurrent.CountDownLatch(1);
        s.events().doOnTerminate(done::countDown).subscribe(got::add);
        awaitTrue(() -> s.errors().count(io.ktstr4j.vmm.monitor.MonitorErrors.ATTACH) >= 2);
        gone.tryEmitEmpty();
        assertThat(done.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(got).isEmpty();
        assertThat(s.errors().count(io.ktstr4j.vmm.monitor.MonitorErrors.ATTACH)).isPositive();
        assertThat(problems).singleElement().asString().contains("last guest-memory read error: attach_not_ready")
                .contains("kernel image not found in guest RAM");
    }
}
