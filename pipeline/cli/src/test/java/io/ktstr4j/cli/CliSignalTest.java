package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.sink.kafka.EmbeddedKafka;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.consumer.EventStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to {@code ktstr4j run} in the middle of a variant: nothing produced before the signal is lost. The command
 * runs in a JVM of its own ({@link HangingRunMain}, its VM hangs after 3000 console lines); once the {@code --events}
 * file shows the lines, the test sends SIGTERM and then reads every topic back: each event of the file is there, and
 * the CLI printed one line saying where its events went.
 */
@Tag("kafka")
class CliSignalTest {
    @TempDir
    Path tmp;

    @Test
    void sigtermMidRunPublishesOrSpoolsEverythingProducedBeforeIt() throws Exception {
        try (EmbeddedKafka broker = new EmbeddedKafka()) {
            String bs = broker.start(tmp.resolve("broker"));
            Path kernel = CliFixture.fakeKernel(tmp.resolve("bzImage"));
            Path plan = Files.writeString(tmp.resolve("steady.plan"), "ktstr4j-plan trivial\nsleep_ms 10\n");
            Path events = tmp.resolve("events.jsonl");
            Path stderr = tmp.resolve("stderr.txt");
            String prefix = "sig" + Long.toHexString(System.nanoTime());
            Process p = hangingRun(plan, kernel, events, stderr, "--kafka", bs, "--kafka-topic-prefix", prefix,
                    "--kafka-spool", tmp.resolve("spool").toString());
            List<String> written;
            try {
                awaitLines(p, events, stderr, 3000);
                // What was produced before the signal: the file's lines now. The run goes on for a moment after the
                // signal (its hook runs beside it); what it produces then is not owed to Kafka.
                written = Files.readAllLines(events);
                p.destroy(); // SIGTERM
                assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the CLI ends after SIGTERM").isTrue();
            } finally {
                p.destroyForcibly();
            }
            String err = Files.readString(stderr);
            err.lines().filter(l -> l.contains("kafka:")).forEach(l -> System.out.println("[sigterm] " + l));
            assertThat(err).contains("kafka: interrupted: kafka: ").contains("0 failed");
            List<RunEvent> produced = new ArrayList<>();
            for (int i = 0; i < written.size(); i++) {
                try {
                    produced.add(Json.read(written.get(i), RunEvent.class, events.toString()));
                } catch (io.ktstr4j.schemas.SchemaException e) {
                    if (i < written.size() - 1) {
                        throw e;
                    } // the last line may have been half written when the file was read
                }
            }
            List<String> topics = new TopicLayout(prefix).allNames().stream().filter(t -> !t.endsWith(".latest"))
                    .toList();
            Set<String> missing = new TreeSet<>(produced.stream().map(RunEvent::eventId).toList());
            try (EventStream in = new EventStream(bs, Map.of(), null, topics, true)) {
                in.pollUntil(produced.size(), Duration.ofSeconds(30)).forEach(d -> missing.remove(d.event().eventId()));
            }
            assertThat(missing).as("produced before SIGTERM, in neither Kafka nor the spool (%s)", err).isEmpty();
        }
    }

    /**
     * SIGKILL in the middle of an outage, then {@code ktstr4j kafka replay}: every event the run produced (all of them
     * spooled well before the kill: the spool is fsynced within 50 ms) reaches Kafka. The heavy tier.
     */
    @Test
    @Tag("full")
    void sigkillMidOutageThenKafkaReplayLosesNothingThatWasSpooled() throws Exception {
        Path kernel = CliFixture.fakeKernel(tmp.resolve("bzImage"));
        Path plan = Files.writeString(tmp.resolve("steady.plan"), "ktstr4j-plan trivial\nsleep_ms 10\n");
        Path events = tmp.resolve("events.jsonl");
        Path stderr = tmp.resolve("stderr.txt");
        Path spool = tmp.resolve("spool");
        String prefix = "kill" + Long.toHexString(System.nanoTime());
        int down;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            down = s.getLocalPort();
        }
        Process p = hangingRun(plan, kernel, events, stderr, "--kafka", "127.0.0.1:" + down, "--kafka-fallback",
                "spool", "--kafka-topic-prefix", prefix, "--kafka-spool", spool.toString());
        try {
            awaitLines(p, events, stderr, 3000);
            // Kill once the spool holds every event the run produced (its VM hangs: no more come).
            long want = lines(events);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (spooledEvents(spool) < want && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(spooledEvents(spool)).as("events in the spool before the kill").isEqualTo(want);
            p.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        List<RunEvent> produced = new ArrayList<>();
        for (String l : Files.readAllLines(events)) {
            produced.add(Json.read(l, RunEvent.class, events.toString()));
        }
        try (EmbeddedKafka broker = new EmbeddedKafka()) {
            String bs = broker.start(tmp.resolve("broker"));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            Services services = new Services(new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                    new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(services, "kafka", "replay", "--kafka", bs, "--kafka-spool", spool.toString(),
                    "--kafka-topic-prefix", prefix);
            System.out.println("[sigkill] " + out.toString(StandardCharsets.UTF_8).trim());
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            List<String> topics = new TopicLayout(prefix).allNames().stream().filter(t -> !t.endsWith(".latest"))
                    .toList();
            Set<String> missing = new TreeSet<>(produced.stream().map(RunEvent::eventId).toList());
            try (EventStream in = new EventStream(bs, Map.of(), null, topics, true)) {
                in.pollUntil(produced.size(), Duration.ofSeconds(60)).forEach(d -> missing.remove(d.event().eventId()));
            }
            assertThat(missing).as("produced and spooled before SIGKILL, not replayed").isEmpty();
        }
    }

    /** Starts {@link HangingRunMain} in a JVM of its own: {@code ktstr4j run} with the given Kafka options. */
    private Process hangingRun(Path plan, Path kernel, Path events, Path stderr, String... kafka) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HangingRunMain.class.getName(), "run", plan.toString(),
                "--kernel", kernel.toString(), "--watchdog", "600", "--events", events.toString()));
        cmd.addAll(List.of(kafka));
        return new ProcessBuilder(cmd).redirectError(stderr.toFile()).redirectOutput(tmp.resolve("out").toFile())
                .start();
    }

    /** Waits until the run has written {@code n} events to its --events file, and is still running (its VM hangs). */
    private static void awaitLines(Process p, Path events, Path stderr, long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines(events) < n && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(50);
        }
        assertThat(p.isAlive()).as("the run hangs in its VM: " + Files.readString(stderr)).isTrue();
        assertThat(lines(events)).isGreaterThanOrEqualTo(n);
    }

    /**
     * Events in the spool's segments so far (the results.latest copies count 0). Safe beside the live writer here: Kafka
     * is away from the start, so everything goes to lane b, whose unfinished tail the reader takes as not written yet.
     */
    private static long spooledEvents(Path spool) {
        long n = 0;
        for (Path session : io.ktstr4j.sink.kafka.spool.SpoolFiles.sessions(spool)) {
            io.ktstr4j.sink.kafka.spool.SpoolReader r = new io.ktstr4j.sink.kafka.spool.SpoolReader(session, true);
            for (var e = r.next(); e.isPresent(); e = r.next()) {
                n += e.get().record().eventCount();
            }
        }
        return n;
    }

    private static long lines(Path f) throws java.io.IOException {
        if (!Files.exists(f)) {
            return 0;
        }
        try (var l = Files.lines(f, StandardCharsets.UTF_8)) {
            return l.count();
        }
    }
}
