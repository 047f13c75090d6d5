package io.ktstr4j.vmm;

import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.vmm.hooks.VmFreezer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.Disposable;

/**
 * Boot/cancel cycles against either backend: each cycle boots a VM and cancels its event subscription at a point
 * drawn from a seeded {@link Random}, then closes it; afterwards the process must hold exactly what it held before
 * ({@link LeakSnapshot}: fds, threads, mappings, shared-memory files and folders, child processes). A failing seed is
 * printed, so a failure can be replayed.
 */
public final class CancelCycles {

    /** Where a cycle cancels. */
    public enum Point {
        /** right after subscribing, before VmCreated (or just after, on a fast backend) */
        BEFORE_CREATED,
        /** a random 0-2 s after VmCreated: mid-boot (the log says how many kernel lines had come) */
        BOOT,
        /** while the guest's user space runs its "scenario" (a random moment in it) */
        SCENARIO,
        /** with the guest frozen by the backend's freezer (as for a snapshot), a random 0-2 s after VmCreated */
        FREEZE_AT_BOOT,
        /** with the guest frozen by the backend's freezer during its scenario */
        FREEZE_IN_SCENARIO,
        /** just after the guest announced its power-off (a random 0-50 ms later; it may end first) */
        SHUTDOWN;

        public static final List<Point> ALL = List.of(values());
    }

    /** Guest lines on COM2 the cycles wait for. */
    public static final String SCENARIO = "CYCLE scenario";
    public static final String SHUTDOWN = "CYCLE shutdown";

    /** The guest's /init: a scenario of a few seconds on COM2, then power-off. Needs busybox (TopologyProbe). */
    public static byte[] initramfs() {
        return TopologyProbe.busyboxInitramfs("""
                #!/bin/busybox sh
                /bin/busybox --install -s /bin
                export PATH=/bin
                mount -t devtmpfs devtmpfs /dev
                echo "%s" > /dev/ttyS1
                i=0
                while [ $i -lt 3 ]; do i=$((i+1)); echo "CYCLE tick $i" > /dev/ttyS1; sleep 1; done
                echo "%s" > /dev/ttyS1
                poweroff -f
                """.formatted(SCENARIO, SHUTDOWN), Map.of());
    }

    /** What the cycles did: how many cancelled at each point, how long they took, what leaked. */
    public record Result(int cycles, Map<Point, Integer> points, long millis, List<String> cycleLog,
            List<String> leaks) {}

    private CancelCycles() {}

    /**
     * Runs {@code cycles} cycles (after one warm-up cycle that is not counted, so class loading and lazily opened
     * files are in the baseline) cancelling at each of {@code points} once, then at points drawn with {@code seed}.
     *
     * @param vms       creates a fresh VM (not yet subscribed)
     * @param reachTime longest a cycle waits for its point (a boot under TCG or in the rig is slow)
     * @param shmRoots  folders the backend puts guest RAM and sockets in
     */
    public static Result run(Supplier<Vm> vms, int cycles, long seed, List<Point> points, Duration reachTime,
            Path... shmRoots) throws Exception {
        Random rnd = new Random(seed);
        cycle(vms, Point.BEFORE_CREATED, rnd, reachTime, new ArrayList<>());
        System.gc();
        Thread.sleep(200);
        LeakSnapshot before = LeakSnapshot.take(shmRoots);
        Map<Point, Integer> counts = new EnumMap<>(Point.class);
        List<String> log = new ArrayList<>();
        long t0 = System.nanoTime();
        // every point once (in a seeded order) before the draws, so even a short run reaches each of them
        List<Point> first = new ArrayList<>(points);
        java.util.Collections.shuffle(first, rnd);
        for (int i = 0; i < cycles; i++) {
            Point p = i < first.size() ? first.get(i) : points.get(rnd.nextInt(points.size()));
            counts.merge(p, 1, Integer::sum);
            cycle(vms, p, rnd, reachTime, log);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.gc();
        List<String> leaks = LeakSnapshot.leaksAfter(before, Duration.ofSeconds(10), shmRoots);
        System.out.printf("cancel cycles: %d in %d ms (seed %d, %s)%n", cycles, ms, seed, counts);
        log.forEach(l -> System.out.println("  " + l));
        return new Result(cycles, counts, ms, log, leaks);
    }

    private static void cycle(Supplier<Vm> vms, Point p, Random rnd, Duration reachTime, List<String> log)
            throws Exception {
        int bootDelayMs = rnd.nextInt(2000);
        int scenarioDelayMs = rnd.nextInt(1500);
        int shutdownDelayMs = rnd.nextInt(50);
        // half the cycles only cancel: a VM whose stream was cancelled must release everything without close()
        boolean close = rnd.nextBoolean();
        long t0 = System.nanoTime();
        Vm vm = vms.get();
        CountDownLatch reached = new CountDownLatch(1);
        AtomicInteger com1 = new AtomicInteger();
        AtomicBoolean created = new AtomicBoolean();
        AtomicBoolean exited = new AtomicBoolean();
        CountDownLatch ended = new CountDownLatch(1);
        String how = p.name() + (p == Point.BOOT || p == Point.FREEZE_AT_BOOT ? " +" + bootDelayMs + " ms" : "");
        try {
            Disposable d = vm.events().doFinally(s -> ended.countDown()).subscribe(e -> {
                if (e instanceof VmCreated) {
                    created.set(true);
                    if (p == Point.BOOT || p == Point.FREEZE_AT_BOOT) {
                        reached.countDown();
                    }
                } else if (e instanceof VmExited) {
                    exited.set(true);
                    reached.countDown(); // ended by itself before the point: cancel is then a no-op
                } else if (e instanceof ConsoleLine c) {
                    if (c.port().equals(ConsoleLine.COM1)) {
                        com1.incrementAndGet();
                    }
                    boolean hit = switch (p) {
                        case BEFORE_CREATED, BOOT, FREEZE_AT_BOOT -> false;
                        case SCENARIO, FREEZE_IN_SCENARIO -> c.line().equals(SCENARIO);
                        case SHUTDOWN -> c.line().equals(SHUTDOWN);
                    };
                    if (hit) {
                        reached.countDown();
                    }
                }
            }, err -> ended.countDown());
            if (p != Point.BEFORE_CREATED) {
                if (!reached.await(reachTime.toMillis(), TimeUnit.MILLISECONDS)) {
                    how += " (not reached in " + reachTime.toSeconds() + " s)";
                }
                if (p == Point.BOOT || p == Point.FREEZE_AT_BOOT) {
                    Thread.sleep(bootDelayMs);
                } else if (p == Point.SCENARIO || p == Point.FREEZE_IN_SCENARIO) {
                    Thread.sleep(scenarioDelayMs);
                } else if (p == Point.SHUTDOWN) {
                    Thread.sleep(shutdownDelayMs);
                }
            }
            VmFreezer freezer = null;
            if ((p == Point.FREEZE_AT_BOOT || p == Point.FREEZE_IN_SCENARIO) && !exited.get()) {
                freezer = vm.monitorHooks().freezer();
                try {
                    freezer.prepare();
                    freezer.freeze();
                    how += " (frozen)";
                } catch (RuntimeException e) {
                    how += " (freeze failed: " + e.getMessage() + ")";
                    freezer = null;
                }
            }
            how += " [" + com1.get() + " kernel lines]";
            d.dispose();
            if (exited.get()) {
                // the stream completed before the cancel: a VM that ended by itself keeps its memory for the SHM
                // drain until close() (Vm's contract), so only a cancelled stream may skip it
                close = true;
            }
            if (freezer != null) {
                try {
                    freezer.thaw(); // what a snapshot does after its reads: must not hang or crash on a dead VM
                } catch (RuntimeException e) {
                    // expected: the VM is gone
                }
            }
        } catch (RuntimeException | Error e) {
            close = true;
            throw e;
        } finally {
            if (close) {
                vm.close();
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (!ended.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("cycle " + how + ": the event stream neither completed nor was cancelled");
        }
        log.add(how + (created.get() ? "" : " [before VmCreated]") + (exited.get() ? " [guest ended first]" : "")
                + (close ? "" : " [cancel only, no close()]") + ", " + ms + " ms");
    }
}
