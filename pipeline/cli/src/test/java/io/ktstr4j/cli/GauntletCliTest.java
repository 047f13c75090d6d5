package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.FakeVm;
import io.ktstr4j.pipeline.MonitorSource;
import io.ktstr4j.pipeline.ScenarioCatalog;
import io.ktstr4j.pipeline.VariantRunner;
import io.ktstr4j.pipeline.VariantRunnerTest;
import io.ktstr4j.pipeline.gauntlet.HostCpuLocks;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunFinished;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.VmConfig;
import io.ktstr4j.vmm.channel.GuestLink;
import io.ktstr4j.vmm.nativelib.FlockHolders;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code ktstr4j run} as a gauntlet: trials, retries, overcommit, the host CPU locks, and cancelling. */
class GauntletCliTest extends CliFixture {

    static final String TWO = "tiny-2llc,tiny-1llc";

    static List<RunEvent> events(Path f) throws Exception {
        return Files.readAllLines(f).stream().map(l -> Json.read(l, RunEvent.class, f.toString())).toList();
    }

    @Test
    void trialsRunEveryVariantNTimesAndEachResultSaysWhichTrialAndBudget() throws Exception {
        Path dir = tmp.resolve("out");
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", TWO, "--trials", "2", "--host-cpus", "64", "--json", "--quiet", "--out", dir.toString(),
                "--project-dir", tmp.toString());
        assertThat(code).as(err()).isZero();
        List<String> keys = out().lines().map(l -> Json.readTree(l, "stdout").get("variant").asText()).toList();
        assertThat(keys).containsExactlyInAnyOrder("steady/tiny-2llc/eevdf", "steady/tiny-1llc/eevdf",
                "steady/tiny-2llc/eevdf#t2", "steady/tiny-1llc/eevdf#t2");
        var first = Json.readTree(out().lines().findFirst().orElseThrow(), "stdout").get("execution");
        assertThat(first.get("host_cpus").asInt()).isEqualTo(63);
        assertThat(first.get("trials").asInt()).isEqualTo(2);
    }

    @Test
    void anOvercommittedResultSaysSoOnItsLineAndInItsResult() throws Exception {
        Path events = tmp.resolve("events.jsonl");
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-1llc", "--host-cpus", "2", "--quiet", "--events", events.toString());
        assertThat(code).as(err()).isZero();
        assertThat(out().lines().findFirst().orElseThrow())
                .endsWith("steady/tiny-1llc/eevdf  (overcommitted: 4 vCPUs ran at once on 1 host CPU)");
        SidecarResult r = events(events).stream()
                .filter(e -> e.body() instanceof io.ktstr4j.schemas.event.RunSidecar)
                .map(e -> ((io.ktstr4j.schemas.event.RunSidecar) e.body()).result()).findFirst().orElseThrow();
        assertThat(r.execution().overcommitted()).isTrue();
        assertThat(r.execution().hostCpus()).isEqualTo(1);
        assertThat(r.execution().overcommitLimit()).isEqualTo(1.0);
    }

    /** Services whose backend fails to create the first {@code failures} VMs (an infrastructure failure). */
    Services failingFirst(int failures) {
        AtomicInteger creates = new AtomicInteger();
        VmBackend flaky = new VmBackend() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Vm create(VmConfig config) {
                if (creates.incrementAndGet() <= failures) {
                    throw new IllegalStateException("KVM_CREATE_VM: device busy (simulated)");
                }
                return new FakeVm(3, false);
            }
        };
        Services base = services(99_000, null);
        return new Services(base.out(), base.err()) {
            @Override
            public ScenarioCatalog catalog() {
                return base.catalog();
            }

            @Override
            public io.ktstr4j.stats.store.StoreLocation resultsStore() {
                return base.resultsStore();
            }

            @Override
            public Path lockDir() {
                return base.lockDir();
            }

            @Override
            public RunnerChoice runner(String backendRequest, boolean verbose) {
                GuestLink.Factory ch = VariantRunnerTest.guest(VariantRunnerTest.healthy(99_000));
                return new RunnerChoice(new VariantRunner(flaky, v -> List.of(), ch, MonitorSource.NONE, null, 1024,
                        verbose), "fake", "test");
            }
        };
    }

    @Test
    void anInfrastructureFailureIsRetriedAndTheRetryIsShownAndRecorded() throws Exception {
        Path events = tmp.resolve("events.jsonl");
        Path junit = tmp.resolve("junit.xml");
        int code = Main.execute(failingFirst(1), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-1llc", "--no-host-state", "--quiet", "--events", events.toString(),
                "--junit", junit.toString());
        assertThat(code).as(err()).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines.get(0)).startsWith("RETRY [").contains("steady/tiny-1llc/eevdf (attempt 1 failed for "
                + "infrastructure; retrying, --retries 1)");
        assertThat(lines.get(1)).contains("KVM_CREATE_VM: device busy (simulated)");
        assertThat(lines.get(2)).startsWith("PASS").contains("steady/tiny-1llc/eevdf#r1");
        SidecarResult last = events(events).stream()
                .filter(e -> e.body() instanceof io.ktstr4j.schemas.event.RunSidecar)
                .map(e -> ((io.ktstr4j.schemas.event.RunSidecar) e.body()).result()).reduce((a, b) -> b).orElseThrow();
        assertThat(last.execution().attempt()).isEqualTo(2);
        assertThat(last.execution().retriedAfter()).singleElement().asString()
                .startsWith("attempt 1: ").contains("device busy");
        RunFinished f = (RunFinished) events(events).get(events(events).size() - 1).body();
        assertThat(f.outcomes()).isEqualTo(Map.of(io.ktstr4j.schemas.verdict.Outcome.PASS, 1));
        assertThat(Files.readString(junit)).contains("name=\"steady/tiny-1llc/eevdf#r1\"");
    }

    @Test
    void withoutRetriesAnInfrastructureFailureIsTheVerdict() throws Exception {
        int code = Main.execute(failingFirst(1), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-1llc", "--no-host-state", "--quiet", "--retries", "0");
        assertThat(code).isEqualTo(ExitCodes.USAGE_OR_INFRA);
        assertThat(out()).startsWith("ERROR").doesNotContain("RETRY");
    }

    @Test
    void badGauntletOptionsAreRefusedNamingTheOption() throws Exception {
        for (String[] bad : List.of(new String[] {"--jobs", "0"}, new String[] {"--host-cpus", "0"},
                new String[] {"--overcommit", "0.5"}, new String[] {"--trials", "0"}, new String[] {"--retries", "-1"})) {
            err.reset();
            int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                    bad[0], bad[1]);
            assertThat(code).isEqualTo(ExitCodes.USAGE_OR_INFRA);
            assertThat(err()).contains(bad[0] + ": ").doesNotContain("at io.ktstr4j");
        }
    }

    @Test
    void locksListsWhoHoldsTheCpuAndLlcLocks() throws Exception {
        try (HostCpuLocks held = new HostCpuLocks(lockDir, List.of(1, 2), Map.of(1, 0, 2, 0))) {
            assertThat(held.reserve(1)).isTrue();
            int code = Main.execute(services(99_000, null), "locks", "--json");
            assertThat(code).isZero();
            var j = Json.readTree(out(), "stdout");
            assertThat(j.get("cpus")).hasSize(1);
            assertThat(j.get("cpus").get(0).get("lockfile").asText()).endsWith("ktstr-cpu-2.lock");
            var holder = j.get("cpus").get(0).get("holders").get(0);
            assertThat(holder.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(holder.get("cmdline").asText()).contains("java");
            assertThat(j.get("llcs").get(0).get("holders").get(0).get("mode").asText()).isEqualTo("shared");
            out.reset();
            Main.execute(services(99_000, null), "locks");
            assertThat(out()).contains("ktstr-cpu-2.lock").contains("exclusive");
        }
        out.reset();
        Main.execute(services(99_000, null), "locks");
        assertThat(out()).startsWith("no held CPU or LLC locks in ");
    }

    @Test
    void twoKernelsAreADimensionOfTheGauntletAndEndTheVariantKeys() throws Exception {
        Path a = CliFixture.fakeKernel(Files.createDirectories(tmp.resolve("6.12.117-scx")).resolve("bzImage"));
        Path b = CliFixture.fakeKernel(Files.createDirectories(tmp.resolve("6.13.2")).resolve("bzImage"));
        Path events = tmp.resolve("events.jsonl");
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", a.toString(), "--kernel",
                b.toString(), "--topology", TWO, "--host-cpus", "64", "--quiet", "--events", events.toString());
        assertThat(code).as(err()).isZero();
        assertThat(out().lines().map(l -> l.substring(l.indexOf("] ") + 2).trim())).containsExactlyInAnyOrder(
                "steady/tiny-2llc/eevdf/6.12.117-scx", "steady/tiny-1llc/eevdf/6.12.117-scx",
                "steady/tiny-2llc/eevdf/6.13.2", "steady/tiny-1llc/eevdf/6.13.2");
        io.ktstr4j.schemas.event.RunStarted started = (io.ktstr4j.schemas.event.RunStarted) events(events).get(0).body();
        assertThat(started.kernels()).containsExactly(a.toString(), b.toString());
        // the same kernel twice is refused, naming it
        err.reset();
        assertThat(Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", a.toString(), "--kernel",
                a.toString())).isEqualTo(ExitCodes.USAGE_OR_INFRA);
        assertThat(err()).contains("--kernel: " + a + " is given twice");
    }

    @Test
    void aBudgetPicksWhatFitsAndTheDryRunPrintsThePlan() throws Exception {
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", TWO, "--budget", "15s", "--dry-run");
        assertThat(code).as(err()).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines.get(0)).startsWith("budget 15s: 1 of 2 variants, ~").contains("(0 from past results, 1 from "
                + "preset size)");
        assertThat(lines.stream().filter(l -> l.startsWith("steady/"))).hasSize(1);
        assertThat(lines.get(lines.size() - 1)).startsWith("plan: 1 variants, 1 to run");
        err.reset();
        assertThat(Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--budget", "0s")).isEqualTo(ExitCodes.USAGE_OR_INFRA);
        assertThat(err()).contains("'--budget': '0s' must be longer than 0");
    }

    @Test
    void oneImageUnderTwoCacheKeysIsTwoKernelsOfTheGauntlet() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("built"));
        CliFixture.fakeKernel(dir.resolve("bzImage"));
        for (String key : List.of("base", "tuned")) {
            assertThat(Main.execute(services(99_000, null), "kernel", "import", dir.toString(), "--key", key))
                    .as(err()).isZero();
        }
        out.reset();
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", "base", "--kernel", "tuned",
                "--topology", "tiny-1llc", "--host-cpus", "64", "--quiet", "--json");
        assertThat(code).as(err()).isZero();
        assertThat(out().lines().map(l -> Json.readTree(l, "stdout").get("variant").asText()))
                .containsExactlyInAnyOrder("steady/tiny-1llc/eevdf/base", "steady/tiny-1llc/eevdf/tuned");
        err.reset();
        assertThat(Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", "nokey"))
                .isEqualTo(ExitCodes.USAGE_OR_INFRA);
        assertThat(err()).contains("--kernel nokey: ");
    }

    /** {@link FakeGauntletMain} in a JVM of its own. */
    Process child(long vmMillis, Path stdout, Path stderr, String... args) throws Exception {
        return child(vmMillis, 0, stdout, stderr, args);
    }

    Process child(long vmMillis, long closeMillis, Path stdout, Path stderr, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dfake.vmMillis=" + vmMillis, "-Dfake.closeMillis=" + closeMillis, "-Dfake.lockDir=" + lockDir,
                "-cp", System.getProperty("java.class.path"),
                FakeGauntletMain.class.getName(), "run", plan.toString(), "--kernel", kernel.toString(),
                "--results-store", "none", "--no-host-state"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    }

    /**
     * Two gauntlets at once on one simulated 3-CPU host (2 CPUs for VMs, overcommit 4: 8 vCPUs, two tiny VMs): each
     * alone would run two VMs at a time; together, through the lock files, never more than two VMs in all. Checked
     * from both runs' vm.created/vm.exited times, and by watching the lock files while they run.
     */
    @Test
    @Tag("slow")
    void twoProcessesWithOverlappingGauntletsNeverOversubscribeTheCpus() throws Exception {
        List<Process> ps = new ArrayList<>();
        List<Path> evs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path ev = tmp.resolve("events-" + i + ".jsonl");
            evs.add(ev);
            ps.add(child(600, tmp.resolve("out-" + i), tmp.resolve("err-" + i), "--topology", "tiny-2llc,tiny-1llc,smt-2llc",
                    "--host-cpus", "3", "--overcommit", "4", "--events", ev.toString(), "--quiet"));
        }
        int maxHeld = 0;
        java.util.Set<Long> holders = new java.util.HashSet<>();
        while (ps.stream().anyMatch(Process::isAlive)) {
            FlockHolders h = FlockHolders.read();
            int held = 0;
            for (int cpu = 0; cpu < 3; cpu++) {
                List<FlockHolders.Holder> hs = h.of(HostCpuLocks.cpuLock(lockDir, cpu));
                assertThat(hs.size()).as("cpu %d has one holder at most", cpu).isLessThanOrEqualTo(1);
                held += hs.size();
                hs.forEach(x -> holders.add(x.pid()));
            }
            assertThat(h.of(HostCpuLocks.cpuLock(lockDir, 0))).as("CPU 0 is the harness's").isEmpty();
            maxHeld = Math.max(maxHeld, held);
            Thread.sleep(20);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(ps.get(i).exitValue()).as(Files.readString(tmp.resolve("err-" + i))).isZero();
        }
        assertThat(maxHeld).isEqualTo(2);
        assertThat(holders).as("both processes held CPUs").containsExactlyInAnyOrder(ps.get(0).pid(), ps.get(1).pid());
        // VMs alive at once, across both processes, from their events
        TreeMap<Instant, Integer> delta = new TreeMap<>();
        for (Path ev : evs) {
            for (RunEvent e : events(ev)) {
                if (e.body() instanceof VmCreated) {
                    delta.merge(e.timestamp(), 1, Integer::sum);
                } else if (e.body() instanceof VmExited) {
                    delta.merge(e.timestamp(), -1, Integer::sum);
                }
            }
        }
        int alive = 0;
        int most = 0;
        for (int d : delta.values()) {
            alive += d;
            most = Math.max(most, alive);
        }
        assertThat(most).as("VMs at once over both gauntlets (2 CPUs x overcommit 4 = 8 vCPUs = 2 tiny VMs)")
                .isBetween(1, 2);
    }

    /**
     * SIGINT in the middle: both running VMs stopped, both reported ERROR with the Cancelled reason and listed in
     * run.finished, the queued one never started, exit 130, no lock held and no child left.
     */
    @Test
    @Tag("slow")
    void sigintCancelsTheRunningVariantsAndLeavesNothingBehind() throws Exception {
        Path ev = tmp.resolve("events.jsonl");
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        ChildSignals sig;
        Process p = child(120_000, out, err, "--topology", "tiny-2llc,tiny-1llc,smt-2llc", "--host-cpus", "3",
                "--overcommit", "4", "--jobs", "2", "--events", ev.toString(), "--watchdog", "300");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (countCreated(ev) < 2 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(countCreated(ev)).as(Files.readString(err)).isEqualTo(2);
            sig = ChildSignals.interruptFor(p);
            sig.send(p);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ends after " + sig.label() + ": " + Files.readString(err))
                    .isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).isEqualTo(sig.exitCode());
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.stream().filter(l -> l.startsWith("ERROR"))).hasSize(2);
        assertThat(lines.stream().filter(l -> l.contains("Cancelled: interrupted by " + sig.label()))).hasSize(2);
        List<RunEvent> all = events(ev);
        RunFinished f = (RunFinished) all.get(all.size() - 1).body();
        assertThat(f.cancelled()).containsExactlyInAnyOrder("steady/tiny-2llc/eevdf", "steady/tiny-1llc/eevdf");
        assertThat(f.notRun()).hasSize(1);
        assertThat(all.stream().filter(e -> e.body() instanceof io.ktstr4j.schemas.event.RunVerdict))
                .as("a stopped variant has no verdict").isEmpty();
        FlockHolders h = FlockHolders.read();
        try (var files = Files.list(lockDir)) {
            assertThat(files.filter(x -> !h.of(x).isEmpty())).as("no lock held").isEmpty();
        }
        assertThat(Files.readString(err)).contains("interrupted (" + sig.label() + ")");
    }

    /**
     * A second SIGINT while the first one's cancel waits for VMs that are slow to stop: the CLI exits at once (SIGTERM
     * where the child cannot get SIGINT, {@link ChildSignals}).
     */
    @Test
    @Tag("slow")
    void aSecondSigintExitsAtOnce() throws Exception {
        Path ev = tmp.resolve("events.jsonl");
        Path err = tmp.resolve("stderr");
        ChildSignals sig;
        Process p = child(120_000, 60_000, tmp.resolve("stdout"), err, "--topology", "tiny-2llc", "--events",
                ev.toString(), "--watchdog", "300");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (countCreated(ev) < 1 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            sig = ChildSignals.interruptFor(p);
            sig.send(p);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(err).contains("interrupted (" + sig.label() + ")")
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(500);
            assertThat(p.isAlive()).as("the first SIGINT waits for the VM to stop (60 s here)").isTrue();
            long t0 = System.nanoTime();
            sig.send(p);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("the second signal exits at once").isTrue();
            System.out.println("[gauntlet] second " + sig.label() + " to exit: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).isEqualTo(sig.exitCode());
        assertThat(Files.readString(err)).contains("interrupted again: exiting now");
    }

    private static long countCreated(Path ev) throws Exception {
        if (!Files.exists(ev)) {
            return 0;
        }
        return Files.readAllLines(ev).stream().filter(l -> l.contains("\"vm.created\"")).count();
    }
}
