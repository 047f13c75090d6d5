package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.DefaultPlanCompiler;
import io.ktstr4j.pipeline.Defaults;
import io.ktstr4j.pipeline.MonitorSource;
import io.ktstr4j.pipeline.RunIds;
import io.ktstr4j.pipeline.ScenarioEngine;
import io.ktstr4j.pipeline.Variant;
import io.ktstr4j.pipeline.VariantPlanner;
import io.ktstr4j.pipeline.VariantRunner;

import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.sink.kafka.EmbeddedKafka;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.PublishSummary;
import io.ktstr4j.sink.kafka.Publication;
import io.ktstr4j.sink.kafka.RunPublisher;
import io.ktstr4j.sink.kafka.spool.SpoolFiles;
import io.ktstr4j.vmm.LeakSnapshot;
import io.ktstr4j.vmm.channel.GuestLink;
import io.ktstr4j.vmm.initramfs.InitramfsGuestImage;
import io.ktstr4j.vmm.qemu.QemuBackend;
import io.ktstr4j.vmm.qemu.QemuOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * Whole runs cancelled at seeded random points leak nothing: each cycle runs a real variant (QEMU/TCG, the real agent
 * and plan) whose events are published to a real broker, as {@code ktstr4j run} does, and cancels it before the VM is
 * created, mid-boot, mid-scenario or while the guest reports and powers off; then the publication is completed. Once
 * all cycles are done the process holds what it held before ({@link LeakSnapshot}: fds, threads — the Kafka client's
 * among them —, mappings, /dev/shm, child processes), no spool session was left behind, and every event offered was
 * acknowledged. {@code -Dktstr.cycles.seed=N} replays a seed; the full tier runs {@code -Dktstr.cycles} (100) cycles.
 */
@Tag("e2e")
@Tag("kafka")
class RunCancelCyclesE2ETest {

    enum Point { BEFORE_CREATED, BOOT, SCENARIO, SHUTDOWN }

    static EmbeddedKafka broker;
    static String bootstrap;
    static Path kernel;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        kernel = Defaults.kernel().orElse(null);
        Assumptions.assumeTrue(kernel != null, "no kernel: set KTSTR4J_KERNEL");
        Assumptions.assumeTrue(QemuBackend.findQemu().isPresent(), "qemu-system-x86_64 is not installed");
        broker = new EmbeddedKafka();
        bootstrap = broker.start(Files.createTempDirectory("ktstr4j-cycles-kafka"));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void sixRunsCancelledAtEveryPointLeakNothingAndLoseNothing() throws Exception {
        cycles(6);
    }

    @Test
    @Tag("full")
    void aHundredCancelledRunsLeakNothingAndLoseNothing() throws Exception {
        cycles(Integer.getInteger("ktstr.cycles", 100));
    }

    private void cycles(int n) throws Exception {
        long seed = Long.getLong("ktstr.cycles.seed", System.nanoTime());
        Random rnd = new Random(seed);
        QemuOptions qemu = QemuOptions.defaults();
        VariantRunner runner = new VariantRunner(new QemuBackend(qemu), new InitramfsGuestImage(tmp.resolve("img"),
                null), GuestLink.Factory.RING, MonitorSource.NONE, Clock.systemUTC(), VariantRunner.DEFAULT_BUFFER,
                false);
        Variant v = new VariantPlanner(new DefaultPlanCompiler(ScenarioEngine.compiler())).plan(
                TestSpec.of("steady", "steady"), new VariantPlanner.Overrides(List.of("tiny-1llc"), null, List.of(),
                        Duration.ofSeconds(1), 512L, Duration.ofSeconds(90), ThresholdMode.RELEASE, kernel,
                        List.of())).get(0);
        Path spool = tmp.resolve("spool-" + seed);
        KafkaSinkConfig config = KafkaSinkConfig.of(bootstrap).withSpoolDir(spool)
                .withTopicPrefix("cycles" + Long.toHexString(seed));

        List<String> log = new ArrayList<>();
        cycle(runner, v, config, Point.SHUTDOWN, rnd, log); // warm-up: class loading, pools, the broker's topics
        System.gc();
        Thread.sleep(200);
        LeakSnapshot before = LeakSnapshot.take(qemu.shmDir(), qemu.runDir());
        List<Path> sessionsBefore = SpoolFiles.sessions(spool);

        List<Point> order = new ArrayList<>(List.of(Point.values()));
        Collections.shuffle(order, rnd);
        Map<Point, Integer> counts = new EnumMap<>(Point.class);
        log.clear();
        for (int i = 0; i < n; i++) {
            Point p = i < order.size() ? order.get(i) : Point.values()[rnd.nextInt(Point.values().length)];
            counts.merge(p, 1, Integer::sum);
            cycle(runner, v, config, p, rnd, log);
        }
        System.gc();
        List<String> leaks = LeakSnapshot.leaksAfter(before, Duration.ofSeconds(10), qemu.shmDir(), qemu.runDir());
        System.out.printf("run cancel cycles: %d (seed %d, %s)%n", n, seed, counts);
        log.forEach(l -> System.out.println("  " + l));

        assertThat(leaks).as("leaks after %d cycles (seed %d): %s", n, seed, log).isEmpty();
        assertThat(SpoolFiles.sessions(spool)).as("spool sessions (seed %d)", seed).isEqualTo(sessionsBefore);
        assertThat(counts.keySet()).as("every point drawn (seed %d)", seed).hasSize(Point.values().length);
        assertThat(log).as("seed %d", seed).allMatch(l -> l.contains(" lost 0 "));
    }

    /** One run, cancelled at {@code p}; its publication completed and checked: every event offered acknowledged. */
    private static void cycle(VariantRunner runner, Variant v, KafkaSinkConfig config, Point p, Random rnd,
                              List<String> log) throws Exception {
        int bootDelayMs = rnd.nextInt(2000);
        int scenarioDelayMs = rnd.nextInt(800);
        int shutdownDelayMs = rnd.nextInt(50);
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        AtomicBoolean completed = new AtomicBoolean();
        long t0 = System.nanoTime();
        try (RunPublisher publisher = new RunPublisher(config)) {
            Publication pub = publisher.open();
            Disposable d = runner.run(RunIds.next(), v, s -> { })
                    .doOnNext(pub::offer)
                    .doOnComplete(() -> completed.set(true))
                    .doFinally(s -> ended.countDown())
                    .subscribe(e -> {
                        if (at(p, e.body())) {
                            reached.countDown();
                        }
                    }, err -> { });
            if (p != Point.BEFORE_CREATED) {
                reached.await(2, TimeUnit.MINUTES);
                Thread.sleep(switch (p) {
                    case BOOT -> bootDelayMs;
                    case SCENARIO -> scenarioDelayMs;
                    default -> shutdownDelayMs;
                });
            }
            d.dispose();
            ended.await(1, TimeUnit.MINUTES);
            assertThat(runner.awaitClosed(Duration.ofSeconds(30))).as("VM closed after a cancel at %s", p).isTrue();
            pub.complete();
            PublishSummary s = pub.done().get(1, TimeUnit.MINUTES);
            log.add(String.format("%s%s: %d ms, %d events, acked %d, spooled %d, lost %d %s", p,
                    completed.get() ? " (the run had ended)" : "", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                    s.events(), s.acked(), s.spooled(), s.events() - s.acked() - s.spooled(), s.failures()));
        }
    }

    private static boolean at(Point p, EventBody b) {
        return switch (p) {
            case BEFORE_CREATED -> false;
            case BOOT -> b instanceof VmCreated;
            case SCENARIO -> b instanceof ScenarioStart;
            case SHUTDOWN -> b instanceof ConsoleLine l && l.line().startsWith("KTSTR_EXIT=");
        };
    }
}
