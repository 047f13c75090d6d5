package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.Defaults;
import io.ktstr4j.pipeline.gauntlet.HostCpuLocks;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunFinished;
import io.ktstr4j.schemas.event.RunSidecar;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.sink.kafka.EmbeddedKafka;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.consumer.EventStream;
import io.ktstr4j.vmm.nativelib.FlockHolders;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gauntlet on the QEMU backend with the shared sched_ext kernel: two presets x {eevdf, scx_simple} at two VMs at
 * a time, every verdict in the output and in Kafka; and SIGINT in the middle of one, which leaves no QEMU, no VM
 * folder in /dev/shm and no lock behind. The four-preset x three-scheduler gauntlet is the full tier's.
 */
@Tag("e2e")
class GauntletE2ETest {

    @TempDir
    Path tmp;

    static Path kernel() {
        Path kernel = Defaults.kernel().orElse(null);
        Assumptions.assumeTrue(kernel != null && Files.isRegularFile(kernel.resolveSibling("scx/scx_simple")),
                "needs the shared sched_ext kernel and its scx_simple (set KTSTR4J_KERNEL)");
        return kernel;
    }

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        return cli(null, args);
    }

    /** The CLI; with {@code env}, that environment (a kernel cache of the test's own) instead of the process's. */
    static Result cli(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Services services = new Services(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)) {
            @Override
            public Map<String, String> env() {
                return env == null ? super.env() : env;
            }
        };
        int code = Main.execute(services, args);
        Result r = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("[gauntlet-e2e] ktstr4j " + String.join(" ", args) + " -> exit " + code + "\n" + r.out()
                + r.err());
        return r;
    }

    static List<RunEvent> events(Path f) throws Exception {
        List<RunEvent> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            out.add(Json.read(l, RunEvent.class, f.toString()));
        }
        return out;
    }

    /** The most VMs alive at once, from vm.created and the end of each variant's stream. */
    static int mostAtOnce(List<RunEvent> evs) {
        Map<String, Instant[]> spans = new java.util.HashMap<>();
        for (RunEvent e : evs) {
            if (e.variantKey() == null) {
                continue;
            }
            Instant[] s = spans.computeIfAbsent(e.variantKey(), k -> new Instant[2]);
            if (e.body() instanceof VmCreated) {
                s[0] = e.timestamp();
            }
            s[1] = e.timestamp();
        }
        TreeMap<Instant, Integer> delta = new TreeMap<>();
        spans.values().stream().filter(s -> s[0] != null).forEach(s -> {
            delta.merge(s[0], 1, Integer::sum);
            delta.merge(s[1], -1, Integer::sum);
        });
        int alive = 0;
        int most = 0;
        for (int d : delta.values()) {
            alive += d;
            most = Math.max(most, alive);
        }
        return most;
    }

    @Test
    void twoPresetsTimesTwoSchedulersRunTwoAtATimeWithEveryVerdictInTheOutputAndInKafka() throws Exception {
        Path kernel = kernel();
        Path events = tmp.resolve("events.jsonl");
        String prefix = "g" + UUID.randomUUID().toString().substring(0, 8);
        try (EmbeddedKafka broker = new EmbeddedKafka()) {
            String bs = broker.start(tmp.resolve("broker"));
            Result r = cli("run", "steady", "--topology", "tiny-1llc,tiny-2llc", "--scheduler", "eevdf,scx_simple",
                    "--duration", "1s", "--jobs", "2", "--overcommit", "8", "--kernel", kernel.toString(),
                    "--backend", "qemu", "--results-store", "none", "--no-host-state", "--events", events.toString(),
                    "--kafka", bs, "--kafka-topic-prefix", prefix, "--kafka-spool", tmp.resolve("spool").toString());
            List<String> keys = List.of("steady/tiny-1llc/eevdf", "steady/tiny-2llc/eevdf",
                    "steady/tiny-1llc/scx_simple", "steady/tiny-2llc/scx_simple");
            for (String k : keys) {
                assertThat(r.out()).as("a verdict line for " + k).containsPattern("(?m)^(PASS|FAIL|INCONCLUSIVE|SKIP)"
                        + " \\[ *[0-9.]+s\\] " + java.util.regex.Pattern.quote(k) + "( |$)");
            }
            assertThat(r.code()).as(r.out() + r.err()).isIn(0, 1); // the verdicts are the schedulers'; 2 = harness
            assertThat(r.err()).contains("gauntlet: 4 runs").contains("overcommit 8");
            List<RunEvent> evs = events(events);
            assertThat(mostAtOnce(evs)).as("two VMs at a time").isEqualTo(2);
            RunFinished f = (RunFinished) evs.get(evs.size() - 1).body();
            assertThat(f.finished()).isEqualTo(4);
            assertThat(f.cancelled()).isEmpty();
            List<String> topics = new TopicLayout(prefix).allNames().stream().filter(t -> !t.endsWith(".latest"))
                    .toList();
            Set<String> results = new TreeSet<>();
            try (EventStream in = new EventStream(bs, Map.of(), null, topics, true)) {
                in.pollUntil(evs.size(), Duration.ofSeconds(60)).forEach(d -> {
                    if (d.event().body() instanceof RunSidecar rs) {
                        results.add(rs.result().variantKey() + " " + rs.result().effectiveOutcome());
                        assertThat(rs.result().execution()).isNotNull();
                    }
                });
            }
            assertThat(results).hasSize(4);
            for (String k : keys) {
                assertThat(results).anyMatch(x -> x.startsWith(k + " "));
            }
        }
    }

    /**
     * Two kernels in one gauntlet: the shipped kernel imported into a kernel cache under two keys; each variant
     * boots its key's image, finds scx_simple in its entry's scx/ and the monitor its System.map and BTF there.
     */
    @Test
    void theShippedKernelUnderTwoCacheKeysIsTwoKernelsOfOneGauntlet() throws Exception {
        Path kernel = kernel();
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("KTSTR4J_CACHE_DIR", tmp.resolve("cache").toString());
        env.put("KTSTR_CACHE_DIR", tmp.resolve("ktstr-cache").toString());
        env.remove("KTSTR4J_KERNEL");
        for (String key : List.of("scx-a", "scx-b")) {
            Result imp = cli(env, "kernel", "import", kernel.getParent().toString(), "--key", key);
            assertThat(imp.code()).as(imp.err()).isZero();
        }
        Path events = tmp.resolve("events.jsonl");
        Result r = cli(env, "run", "steady", "--topology", "tiny-1llc", "--scheduler", "scx_simple", "--kernel",
                "scx-a", "--kernel", "scx-b", "--duration", "1s", "--jobs", "2", "--overcommit", "8", "--backend",
                "qemu", "--results-store", "none", "--no-host-state", "--events", events.toString());
        assertThat(r.code()).as(r.out() + r.err()).isIn(0, 1);
        for (String key : List.of("scx-a", "scx-b")) {
            assertThat(r.out()).containsPattern("(?m)^(PASS|FAIL|INCONCLUSIVE) \\[ *[0-9.]+s\\] steady/tiny-1llc/"
                    + "scx_simple/" + key + "( |$)");
        }
        assertThat(r.err()).doesNotContain("monitor off");
        io.ktstr4j.schemas.event.RunStarted started = (io.ktstr4j.schemas.event.RunStarted) events(events).get(0)
                .body();
        assertThat(started.kernels()).containsExactly(tmp.resolve("cache/kernels/scx-a/bzImage").toString(),
                tmp.resolve("cache/kernels/scx-b/bzImage").toString());
    }

    /** The gauntlet: four presets x {eevdf, scx_simple, scx_qmap}, two VMs at a time, to the end. */
    @Test
    @Tag("full")
    void fourPresetsTimesThreeSchedulersRunToTheEnd() throws Exception {
        Path kernel = kernel();
        Path events = tmp.resolve("events.jsonl");
        Path junit = tmp.resolve("junit.xml");
        Result r = cli("run", "steady", "--topology", "tiny-1llc,tiny-2llc,smt-2llc,numa2-4llc", "--scheduler",
                "eevdf,scx_simple,scx_qmap", "--duration", "2s", "--jobs", "2", "--overcommit", "8", "--kernel",
                kernel.toString(), "--backend", "qemu", "--results-store", "none", "--no-host-state", "--events",
                events.toString(), "--junit", junit.toString());
        for (String preset : List.of("tiny-1llc", "tiny-2llc", "smt-2llc", "numa2-4llc")) {
            for (String sched : List.of("eevdf", "scx_simple", "scx_qmap")) {
                assertThat(r.out()).containsPattern("(?m)^(PASS|FAIL|INCONCLUSIVE|SKIP) \\[ *[0-9.]+s\\] steady/"
                        + preset + "/" + sched + "( |$)");
            }
        }
        assertThat(r.code()).as(r.out() + r.err()).isIn(0, 1);
        List<RunEvent> evs = events(events);
        RunFinished f = (RunFinished) evs.get(evs.size() - 1).body();
        assertThat(f.finished()).isEqualTo(12);
        assertThat(mostAtOnce(evs)).isEqualTo(2);
        assertThat(Files.readString(junit)).contains("tests=\"12\"");
    }

    /**
     * kernel_builtin schedulers: their enable lines run in the guest with busybox before the scenario (one turns
     * schedstats on and proves it, one leaves a background process holding the output pipe: not waited for), their
     * disable lines after; a line that fails is a FAIL whose SchedulerDied reason
     * carries the line's own output.
     */
    @Test
    void kernelBuiltinLinesRunInTheGuestAndAFailingOneIsTheVerdict() throws Exception {
        Path kernel = kernel();
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/bin/busybox")), "busybox-static not installed");
        Path ok = Files.writeString(tmp.resolve("builtin-ok.json"), """
                {"name": "builtin-ok", "scenario": "steady", "duration_ms": 1000,
                 "scheduler": {"kind": "kernel_builtin", "name": "schedstats",
                               "enable": ["echo 1 > /proc/sys/kernel/sched_schedstats",
                                          "echo schedstats=$(cat /proc/sys/kernel/sched_schedstats)",
                                          "sleep 600 &"],
                               "disable": ["echo 0 > /proc/sys/kernel/sched_schedstats"]}}
                """);
        Path bad = Files.writeString(tmp.resolve("builtin-bad.json"), """
                {"name": "builtin-bad", "scenario": "steady", "duration_ms": 1000,
                 "scheduler": {"kind": "kernel_builtin", "name": "broken",
                               "enable": ["echo cannot switch it on >&2; exit 3"]}}
                """);
        Path events = tmp.resolve("events.jsonl");
        Result r = cli("run", ok.toString(), bad.toString(), "--topology", "tiny-1llc", "--kernel", kernel.toString(),
                "--backend", "qemu", "--results-store", "none", "--no-host-state", "--events", events.toString());
        assertThat(r.out()).containsPattern("(?m)^PASS \\[ *[0-9.]+s\\] builtin-ok/tiny-1llc/schedstats( |$)");
        assertThat(r.out()).containsPattern("(?m)^FAIL \\[ *[0-9.]+s\\] builtin-bad/tiny-1llc/broken( |$)");
        assertThat(r.out()).contains("SchedulerDied: kernel_builtin enable line 1 (echo cannot switch it on >&2; "
                + "exit 3) exited with status 3").contains("cannot switch it on");
        assertThat(r.code()).isEqualTo(ExitCodes.FAILED);
        String com2 = Files.readString(events);
        assertThat(com2).contains("schedstats=1").contains("kernel_builtin disable line 1: echo 0 > "
                + "/proc/sys/kernel/sched_schedstats");
    }

    /**
     * SIGINT while two VMs run: exit 130, both reported cancelled, and nothing of the run is left: no process of it
     * (found by an environment marker its QEMUs inherit), no VM folder in /dev/shm, no lock file held.
     */
    @Test
    void sigintInTheMiddleLeavesNoProcessNoShmFolderAndNoLock() throws Exception {
        Path kernel = kernel();
        Path events = tmp.resolve("events.jsonl");
        Path shm = Path.of("/dev/shm/ktstr4j-" + io.ktstr4j.vmm.nativelib.LibC.INSTANCE.getuid());
        Set<String> shmBefore = list(shm);
        String marker = UUID.randomUUID().toString();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "steady",
                "--topology", "tiny-1llc,tiny-2llc,smt-2llc", "--duration", "30s", "--jobs", "2", "--overcommit", "8",
                "--kernel", kernel.toString(), "--backend", "qemu", "--results-store", "none", "--no-host-state",
                "--events", events.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out").toFile())
                .redirectError(tmp.resolve("err").toFile());
        pb.environment().put("KTSTR4J_TEST_MARKER", marker);
        ChildSignals sig;
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (scenarios(events) < 2 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(scenarios(events)).as(Files.readString(tmp.resolve("err"))).isEqualTo(2);
            assertThat(marked(marker)).as("QEMUs of the run are alive").isGreaterThanOrEqualTo(2);
            sig = ChildSignals.interruptFor(p);
            sig.send(p);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ends after " + sig.label()).isTrue();
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(tmp.resolve("out"));
        System.out.println("[gauntlet-e2e] " + sig.label() + ": " + out + Files.readString(tmp.resolve("err")));
        assertThat(p.exitValue()).isEqualTo(sig.exitCode());
        assertThat(out.lines().filter(l -> l.contains("Cancelled: interrupted by " + sig.label()))).hasSize(2);
        List<RunEvent> evs = events(events);
        RunFinished f = (RunFinished) evs.get(evs.size() - 1).body();
        assertThat(f.cancelled()).hasSize(2);
        assertThat(f.notRun()).containsExactly("steady/smt-2llc/eevdf");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // QEMU dies with its parent, at once
        while (marked(marker) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(marked(marker)).as("processes of the run left").isZero();
        Set<String> left = list(shm);
        left.removeAll(shmBefore);
        assertThat(left).as("VM folders left in " + shm).isEmpty();
        FlockHolders h = FlockHolders.read();
        try (Stream<Path> s = Files.list(HostCpuLocks.lockDir())) {
            assertThat(s.filter(x -> x.getFileName().toString().startsWith("ktstr-"))
                    .flatMap(x -> h.of(x).stream()).filter(x -> x.pid() == p.pid())).as("locks held").isEmpty();
        }
    }

    private static long scenarios(Path events) throws Exception {
        return Files.exists(events) ? Files.readAllLines(events).stream()
                .filter(l -> l.contains("\"guest.scenario_start\"")).count() : 0;
    }

    private static Set<String> list(Path dir) throws Exception {
        Set<String> s = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> l = Files.list(dir)) {
                l.forEach(x -> s.add(x.getFileName().toString()));
            }
        }
        return s;
    }

    /** Live processes whose environment carries the marker. */
    private static long marked(String marker) {
        byte[] want = ("KTSTR4J_TEST_MARKER=" + marker).getBytes(StandardCharsets.UTF_8);
        return ProcessHandle.allProcesses().filter(ph -> {
            try {
                byte[] env = Files.readAllBytes(Path.of("/proc", Long.toString(ph.pid()), "environ"));
                return indexOf(env, want) >= 0;
            } catch (Exception e) {
                return false;
            }
        }).count();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
