package io.ktstr4j.vmm.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.KernelLoaded;
import io.ktstr4j.schemas.event.VcpuStarted;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.schemas.topology.TopologyPresets;
import io.ktstr4j.vmm.KvmProbe;
import io.ktstr4j.vmm.TopologyProbe;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmConfig;
import io.ktstr4j.vmm.VmConfigException;
import io.ktstr4j.vmm.boot.ElfKernelTest;
import io.ktstr4j.vmm.hooks.KvmStatsFile;
import io.ktstr4j.vmm.hooks.MonitorHooks;
import io.ktstr4j.vmm.monitor.KvmStatsLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Disposable;

/**
 * End to end on real KVM (run inside ../shared/rig/kvm-rig: scripts/rig/run-rig-tests.sh). Skips with the
 * probe's reason where KVM cannot run a standard guest (this project's hosts: PVM).
 */
@Tag("rig")
class KvmRigTest {
    static final Path KERNEL = Path.of(System.getProperty("ktstr.kernel", "/work/shared/kernels/6.12.117-scx/bzImage"));
    static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
    static final int RIG_ATTEMPTS = 4;

    @TempDir
    static Path dir;
    static Path initramfs;

    @BeforeAll
    static void setUp() throws Exception {
        KvmProbe.Result probe = KvmProbe.probe();
        Assumptions.assumeTrue(probe.usable(), "KVM not usable here: " + probe.reason());
        Assumptions.assumeTrue(Files.isReadable(KERNEL), "no kernel at " + KERNEL);
        Assumptions.assumeTrue(TopologyProbe.available(), "busybox-static not installed (/bin/busybox)");
        initramfs = TopologyProbe.writeInitramfs(dir.resolve("probe.cpio"));
    }

    static VmConfig config(Path kernel, Topology t, Path rd, long memMb) {
        return new VmConfig(kernel, rd == null ? List.of() : List.of(rd), t, memMb, List.of(), VmConfig.DEFAULT_SHM_BYTES,
                Duration.ofSeconds(180), false);
    }

    static List<VmEvent> run(VmConfig cfg) {
        try (Vm vm = new KvmBackend().create(cfg)) {
            long t0 = System.nanoTime();
            List<VmEvent> events = vm.events().collectList().block(BOOT_TIMEOUT);
            System.out.printf("kvm boot %s: %d events in %.1f s, ended by %s%n", cfg.topology().label(),
                    events.size(), (System.nanoTime() - t0) / 1e9, events.isEmpty() ? "-" : events.get(events.size() - 1));
            return events;
        }
    }

    /**
     * Boots until the guest ends by itself, at most {@link #RIG_ATTEMPTS} times. Under the rig's nested virtualization
     * (KVM inside QEMU's TCG emulation of SVM) guests with many vCPUs reset themselves with a triple fault, or stop
     * making progress, at random: measured on numa2-4llc (16 vCPUs) with the rig's 2 CPUs, at least 6 of 11 boots of
     * QEMU {@code -accel kvm -cpu host} and 7 of 10 boots of this VMM (with and without KVM's paravirtual features)
     * failed that way, at any point from SMP bring-up to user space; 4 of 5 with 4 rig CPUs. Pinning the JVM to one
     * rig CPU (run-rig-tests.sh's RIG_PIN) avoids most of it (9 of 11 clean, two hangs), so the default topologies
     * have at most 8 vCPUs, where boots were clean pinned or not; this catches the rest. Such an
     * end says nothing about the VMM, so the boot is repeated (each attempt printed); any other end is returned as is.
     * The same corruption sometimes surfaces as a guest Oops and panic instead (1 of about 35 pinned boots: recursive
     * page faults on a per-CPU access with 2 vCPUs), so a panic is repeated too, its console tail printed. When every
     * attempt hits a reset or hang, the test is aborted with the attempts as its reason (shown, never counted as
     * passed); when no attempt is clean and some panicked, it fails.
     */
    static List<VmEvent> bootInRig(VmConfig cfg) {
        List<String> faults = new ArrayList<>();
        boolean panicked = false;
        for (int attempt = 1; attempt <= RIG_ATTEMPTS; attempt++) {
            List<VmEvent> events = run(cfg);
            VmEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
            if (!(last instanceof VmExited x) || !isRigFault(x) && x.reason() != ExitReason.PANIC) {
                return events;
            }
            panicked |= x.reason() == ExitReason.PANIC;
            List<String> l = lines(events);
            faults.add("attempt " + attempt + ": " + x.reason() + " (" + x.detail() + ") after " + l.size()
                    + " console lines" + (x.reason() == ExitReason.PANIC ? "; console tail "
                    + l.subList(Math.max(0, l.size() - 12), l.size()) : ""));
            System.out.println("rig fault, booting again: " + faults.get(faults.size() - 1));
        }
        if (panicked) {
            // a guest that panics in every attempt is more likely a real bug than the rig's random corruption
            throw new AssertionError(cfg.topology().label() + ": no clean boot in " + RIG_ATTEMPTS
                    + " attempts, some of them kernel panics: " + faults);
        }
        // Not a pass and not a VMM failure: the rig could not run this guest. Reported as aborted, with every attempt.
        Assumptions.abort(cfg.topology().label() + ": all " + RIG_ATTEMPTS + " boots ended by the rig's"
                + " nested-virtualization fault, so nothing was verified: " + faults);
        throw new AssertionError("unreachable");
    }

    static boolean isRigFault(VmExited x) {
        return x.reason() == ExitReason.WATCHDOG_TIMEOUT
                || x.reason() == ExitReason.REBOOT && x.detail() != null && x.detail().startsWith("triple fault");
    }

    static List<String> lines(List<VmEvent> events) {
        return events.stream().filter(e -> e instanceof ConsoleLine).map(e -> ((ConsoleLine) e).line()).toList();
    }

    static VmExited exit(List<VmEvent> events) {
        VmEvent last = events.get(events.size() - 1);
        assertThat(last).isInstanceOf(VmExited.class);
        return (VmExited) last;
    }

    /**
     * Topologies the rig boots: between them every dimension (several LLCs, SMT siblings, two NUMA nodes with their
     * distances) with at most 8 vCPUs, because the rig corrupts guests with many vCPUs (see {@link #bootInRig}).
     * {@code -Dktstr.rig.topologies=numa2-4llc,...} (presets or labels) replaces the list, e.g. for a 16-vCPU check
     * (run-rig-tests.sh's {@code RIG_JAVA_OPTS}; it keeps the JVM pinned to one rig CPU, which such guests need).
     */
    static Stream<String> rigTopologies() {
        String p = System.getProperty("ktstr.rig.topologies", "");
        return p.isBlank() ? Stream.of("tiny-1llc", "smt-2llc", "2n2l1c2t")
                : Arrays.stream(p.split(",")).map(String::trim).filter(x -> !x.isEmpty());
    }

    @ParameterizedTest
    @MethodSource("rigTopologies")
    void guestSeesTheDeclaredTopology(String preset) {
        Topology t = TopologyPresets.resolve(preset);
        List<VmEvent> events = bootInRig(config(KERNEL, t, initramfs, 512));
        VmExited exit = exit(events);
        List<String> lines = lines(events);
        assertThat(exit.reason()).as("exit %s; console: %s", exit, lines).isEqualTo(ExitReason.REBOOT);
        assertThat(events.get(0)).isEqualTo(new VmCreated("kvm", t.totalCpus(), 512, t.label()));
        assertThat(events.get(1)).isInstanceOf(KernelLoaded.class);
        assertThat(events.stream().filter(e -> e instanceof VcpuStarted)).hasSize(t.totalCpus());
        TopologyProbe.GuestView v = TopologyProbe.parse(lines);
        System.out.println(preset + " (" + t.label() + "): packages " + v.packages() + ", smt " + v.smtGroups() + ", L"
                + v.llcLevel() + " " + v.llcGroups() + ", nodes " + v.nodeCpus() + ", distances " + v.distances()
                + "; mismatches " + v.mismatches(t));
        assertThat(v.complete()).as("probe output; console: %s", lines).isTrue();
        assertThat(v.mismatches(t)).isEmpty();
    }

    @Test
    void bootsAnUncompressedVmlinuxDirectly() throws Exception {
        Path vmlinux = ElfKernelTest.unpackVmlinux(dir);
        Topology t = Topology.of(1, 1, 2, 1);
        List<VmEvent> events = bootInRig(config(vmlinux, t, initramfs, 512));
        assertThat(((KernelLoaded) events.get(1)).format()).isEqualTo("elf");
        assertThat(exit(events).reason()).as("console %s", lines(events)).isEqualTo(ExitReason.REBOOT);
        assertThat(TopologyProbe.parse(lines(events)).mismatches(t)).isEmpty();
    }

    @Test
    void tooManyVcpusIsRefusedBeforeAnyVmExists() {
        int max;
        try (Kvm kvm = Kvm.open()) {
            max = kvm.maxVcpus();
        }
        Assumptions.assumeTrue(max < Topology.MAX_CPUS, "KVM allows " + max + " vCPUs, more than any topology");
        Topology t = Topology.of(1, 2, 126, 1);
        assertThatThrownBy(() -> new KvmBackend().create(config(KERNEL, t, initramfs, 2048)))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("at most " + max);
    }

    /**
     * The monitor's hooks on the Java VMM: freeze parks every vCPU (the guest stops), CR3/CR4 read while frozen, and
     * the vCPU's KVM statistics through KVM_GET_STATS_FD.
     */
    @Test
    void monitorHooksFreezeTheGuestAndReadItsRegisters() throws Exception {
        Topology t = Topology.of(1, 1, 2, 1);
        // A guest that stays up a while after its first line: the topology probe reboots as soon as it has printed,
        // which a loaded rig's host side did not always beat to the freeze (the vCPUs were gone, nothing to read).
        Path waiting = dir.resolve("waiting.cpio");
        Files.write(waiting, TopologyProbe.busyboxInitramfs("""
                #!/bin/busybox sh
                /bin/busybox --install -s /bin
                export PATH=/bin
                mount -t devtmpfs devtmpfs /dev
                echo "TOPO begin" > /dev/ttyS1
                sleep 8
                echo "TOPO end" > /dev/ttyS1
                reboot -f
                """, Map.of()));
        try (Vm vm = new KvmBackend().create(config(KERNEL, t, waiting, 256))) {
            CopyOnWriteArrayList<VmEvent> events = new CopyOnWriteArrayList<>();
            CountDownLatch userSpace = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            Disposable d = vm.events().doFinally(s -> ended.countDown()).subscribe(e -> {
                events.add(e);
                if (e instanceof ConsoleLine c && c.line().startsWith("TOPO")) {
                    userSpace.countDown();
                }
            });
            assertThat(userSpace.await(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("probe started").isTrue();
            MonitorHooks hooks = vm.monitorHooks();
            assertThat(hooks.freezerName()).isEqualTo("kvm-park");
            assertThat(hooks.registers().cr3(0)).as("no register read while running").isEmpty();
            long t0 = System.nanoTime();
            try {
                hooks.freezer().freeze();
            } catch (IllegalStateException stopping) {
                // The same loaded-rig race as below, met one step earlier: the guest ended before the freeze.
                if (ended.await(10, TimeUnit.SECONDS)) {
                    Assumptions.abort("the guest had already ended when the loaded rig delivered its first line: "
                            + exit(events));
                }
                throw stopping;
            }
            long freezeUs = (System.nanoTime() - t0) / 1000;
            try {
                java.util.OptionalLong first = hooks.cpuTime().cpuTimeNs(0);
                if (first.isEmpty() && ended.await(10, TimeUnit.SECONDS)) {
                    // Seen in CI with the rig's host heavily loaded: the first line reached the test after the guest
                    // had slept its 8 s and rebooted; with no vCPU left there is nothing to freeze or read.
                    Assumptions.abort("the guest had already ended when the loaded rig delivered its first line: "
                            + exit(events));
                }
                long cpu0 = first.orElseThrow(() -> new AssertionError("no CPU time for vCPU 0 of a running guest"));
                int seen = events.size();
                Thread.sleep(300);
                System.out.println("freeze took " + freezeUs + " us; vCPU 0 thread CPU time " + cpu0 / 1_000_000
                        + " ms; CR3 0x" + Long.toHexString(hooks.registers().cr3(0).orElse(-1)));
                assertThat(cpu0).isPositive();
                assertThat(events.size()).as("no guest output while frozen").isEqualTo(seen);
                assertThat(hooks.cpuTime().cpuTimeNs(0).orElseThrow() - cpu0).as("a parked vCPU uses no CPU")
                        .isLessThan(20_000_000L);
                KvmStatsFile stats = hooks.kvmStats().statsFile(0).orElseThrow();
                Map<String, Long> kvm = KvmStatsLayout.surfaced(
                        KvmStatsLayout.layout(stats).read(stats));
                System.out.println("vCPU 0 KVM stats: " + kvm);
                assertThat(kvm.get("exits")).as("KVM_GET_STATS_FD exits").isPositive();
                assertThat(kvm).containsKey("halt_exits");
                for (int cpu = 0; cpu < 2; cpu++) {
                    long cr3 = hooks.registers().cr3(cpu).orElseThrow();
                    assertThat(cr3 & ~0xfffL).as("vCPU %d page-table root", cpu).isNotZero();
                    assertThat(hooks.registers().cr4(cpu).orElseThrow() & (1 << 5)).as("CR4.PAE").isNotZero();
                }
            } finally {
                hooks.freezer().thaw();
            }
            assertThat(hooks.registers().cr3(0)).isEmpty();
            assertThat(ended.await(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the guest ran on and ended").isTrue();
            d.dispose();
            VmExited end = exit(events);
            Assumptions.assumeFalse(isRigFault(end), "rig fault after the freeze: " + end);
            assertThat(end.detail()).as("console %s", lines(events)).contains("i8042");
            assertThat(TopologyProbe.parse(lines(events)).complete()).isTrue();
        }
    }

    static int openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    static long vmThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("kvm-vm-")).count();
    }

    /** Boots, cancels once the kernel talks, and checks the VM stops fast and leaves no fd, thread or mapping behind. */
    @Test
    void cancelStopsPromptlyAndBootTeardownLoopLeaksNothing() throws Exception {
        Topology t = Topology.of(1, 1, 2, 1);
        // warm up class loading and JNA so the baseline includes their fds
        run(config(KERNEL, t, initramfs, 256));
        // earlier tests leave garbage whose cleaners close fds; settle it so the baseline is not inflated
        System.gc();
        Thread.sleep(200);
        int fdsBefore = openFds();
        long threadsBefore = vmThreads();
        for (int i = 0; i < 3; i++) {
            Vm vm = new KvmBackend().create(config(KERNEL, t, initramfs, 256));
            CountDownLatch talked = new CountDownLatch(1);
            Disposable d = vm.events().subscribe(e -> {
                if (e instanceof ConsoleLine) {
                    talked.countDown();
                }
            });
            assertThat(talked.await(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("kernel printed a line").isTrue();
            long t0 = System.nanoTime();
            d.dispose();
            vm.close();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("cancel → VM released in " + ms + " ms (boot/teardown " + (i + 1) + ")");
            assertThat(ms).as("cancel to released").isLessThan(1000);
        }
        // one complete boot too
        VmExited end = exit(bootInRig(config(KERNEL, t, initramfs, 256)));
        assertThat(end.reason()).isEqualTo(ExitReason.REBOOT);
        assertThat(end.detail()).contains("i8042");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((openFds() > fdsBefore || vmThreads() > threadsBefore) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // a leak adds fds or threads; fewer is an unrelated cleaner running late
        assertThat(openFds()).as("open fds after 4 boots (before: %d)", fdsBefore).isLessThanOrEqualTo(fdsBefore);
        assertThat(vmThreads()).as("VMM threads after 4 boots").isLessThanOrEqualTo(threadsBefore);
    }
}
