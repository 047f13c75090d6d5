package io.ktstr4j.vmm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.vmm.ArrayGuestMemory;
import io.ktstr4j.vmm.ShmRegion;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.StepVerifier;

/** The lifecycle every backend shares, driven by a stand-in backend: no KVM, no QEMU. */
class VmLifecycleTest {

    /**
     * Maps memory, emits a console line, then waits for a stop (or ends by itself with SHUTDOWN); a "console reader"
     * thread keeps emitting lines until release(), as a serial port reader can outlive the VM's thread.
     */
    static final class FakeVm extends VmLifecycle<ArrayGuestMemory> {
        final AtomicInteger stops = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();
        final CountDownLatch stopped = new CountDownLatch(1);
        final CountDownLatch running = new CountDownLatch(1);
        final AtomicBoolean readerRuns = new AtomicBoolean(true);
        final boolean endsItself;

        FakeVm(boolean endsItself) {
            super("fake-vm");
            this.endsItself = endsItself;
        }

        @Override
        protected Stop run() throws InterruptedException {
            memoryReady(new ArrayGuestMemory(4096));
            emit(new ConsoleLine(ConsoleLine.COM1, sinceCreatedNanos(), "booting"));
            Thread reader = new Thread(() -> {
                // Bounded: a run whose stop never came spun here for an hour once, filling a copy-on-write list.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                for (int n = 0; readerRuns.get() && n < 5_000 && System.nanoTime() < deadline; n++) {
                    emit(new ConsoleLine(ConsoleLine.COM2, sinceCreatedNanos(), "late line"));
                    Thread.onSpinWait();
                }
            }, "fake-reader");
            reader.setDaemon(true);
            reader.start();
            running.countDown();
            if (endsItself) {
                requestStop(ExitReason.SHUTDOWN, "guest powered off");
            } else {
                stopped.await(10, TimeUnit.SECONDS);
            }
            return stopRequest();
        }

        @Override
        protected void onStop(Stop stop) {
            stops.incrementAndGet();
            stopped.countDown();
        }

        @Override
        protected Integer guestExitCode() {
            return 7;
        }

        @Override
        protected void release() {
            releases.incrementAndGet();
            readerRuns.set(false);
        }

        @Override
        public ShmRegion shm() {
            return new ShmRegion(0, 0);
        }

        @Override
        public String cmdline() {
            return "";
        }
    }

    @Test
    void eventsCanBeSubscribedOnce() {
        FakeVm vm = new FakeVm(true);
        try {
            vm.events().filter(VmExited.class::isInstance).blockLast(Duration.ofSeconds(10));
            StepVerifier.create(vm.events())
                    .expectErrorMessage("Vm.events() can be subscribed once; this VM already ran")
                    .verify(Duration.ofSeconds(5));
        } finally {
            vm.close();
        }
    }

    @Test
    void aClosedVmCannotBeStarted() {
        FakeVm vm = new FakeVm(true);
        vm.close();
        StepVerifier.create(vm.events()).expectErrorMessage("this VM is closed").verify(Duration.ofSeconds(5));
        assertThat(vm.releases).hasValue(1);
    }

    @Test
    void guestMemoryBeforeTheVmMapsItIsTheSameError() {
        FakeVm vm = new FakeVm(true);
        assertThatThrownBy(vm::memory).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has not been created yet");
        vm.events().blockLast(Duration.ofSeconds(10));
        assertThat(vm.memory().size()).isEqualTo(4096); // still there after the exit, until close
        vm.close();
    }

    @Test
    void theFirstStopWinsAndIsTakenOnce() throws Exception {
        FakeVm vm = new FakeVm(false);
        List<VmEvent> seen = new CopyOnWriteArrayList<>();
        vm.events().subscribe(seen::add);
        assertThat(vm.running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(vm.requestStop(ExitReason.WATCHDOG_TIMEOUT, "first")).isTrue();
        assertThat(vm.requestStop(ExitReason.ERROR, "second")).isFalse();
        vm.close();
        vm.close();
        assertThat(vm.stops).hasValue(1);
        assertThat(vm.releases).hasValue(1);
        VmExited exit = (VmExited) seen.get(seen.size() - 1);
        assertThat(exit.reason()).isEqualTo(ExitReason.WATCHDOG_TIMEOUT);
        assertThat(exit.detail()).isEqualTo("first");
        assertThat(exit.exitCode()).isEqualTo(7);
    }

    @Test
    void cancellingStopsTheVm() throws Exception {
        FakeVm vm = new FakeVm(false);
        List<VmEvent> seen = new CopyOnWriteArrayList<>();
        Disposable d = vm.events().subscribe(seen::add);
        assertThat(vm.running.await(10, TimeUnit.SECONDS)).isTrue();
        d.dispose();
        assertThat(vm.stopped.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(vm.stopRequest().reason()).isEqualTo(ExitReason.CANCELLED);
        vm.close();
        assertThat(vm.stops).hasValue(1);
        assertThat(seen).noneMatch(VmExited.class::isInstance); // the stop comes after the cancel reached the sink
    }

    /** Stops from several threads race the VM ending by itself and a reader that keeps emitting. */
    @RepeatedTest(20)
    void vmExitedIsAlwaysLastAndOnly() throws Exception {
        boolean endsItself = System.nanoTime() % 2 == 0;
        FakeVm vm = new FakeVm(endsItself);
        List<VmEvent> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        vm.events().subscribe(seen::add, e -> done.countDown(), done::countDown);
        assertThat(vm.running.await(10, TimeUnit.SECONDS)).isTrue();
        Thread[] stoppers = new Thread[4];
        for (int i = 0; i < stoppers.length; i++) {
            stoppers[i] = new Thread(() -> vm.requestStop(ExitReason.ERROR, "raced"));
            stoppers[i].start();
        }
        vm.close();
        for (Thread t : stoppers) {
            t.join(10_000);
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(5); // a reader that outlived the VM's thread gets its chance to emit late
        assertThat(seen.get(seen.size() - 1)).isInstanceOf(VmExited.class);
        assertThat(seen.stream().filter(VmExited.class::isInstance).count()).isEqualTo(1);
        assertThat(vm.stops).hasValue(1);
        assertThat(vm.releases).hasValue(1);
    }

    /** Emits {@code lines} console lines, then ends by itself; counts memory mapped and released. */
    static final class ChattyVm extends VmLifecycle<ArrayGuestMemory> {
        final int lines;
        final AtomicInteger mapped = new AtomicInteger();
        final AtomicInteger unmapped = new AtomicInteger();

        final long mapAfterMs;

        ChattyVm(int lines) {
            this(lines, 15_000, 0);
        }

        /** A VM whose run() maps its memory only after {@code mapAfterMs}, whatever stop came; close waits closeWaitMs. */
        ChattyVm(int lines, long closeWaitMs, long mapAfterMs) {
            super("chatty-vm", closeWaitMs);
            this.lines = lines;
            this.mapAfterMs = mapAfterMs;
        }

        @Override
        protected Stop run() throws InterruptedException {
            Thread.sleep(mapAfterMs);
            memoryReady(new ArrayGuestMemory(4096));
            mapped.incrementAndGet();
            for (int i = 0; i < lines; i++) {
                emit(new ConsoleLine(ConsoleLine.COM1, sinceCreatedNanos(), "line " + i));
            }
            requestStop(ExitReason.SHUTDOWN, "done");
            return stopRequest();
        }

        @Override
        protected void onStop(Stop stop) {}

        @Override
        protected Integer guestExitCode() {
            return null;
        }

        @Override
        protected synchronized void release() {
            if (mappedMemory() != null && unmapped.get() < mapped.get()) {
                unmapped.incrementAndGet();
            }
        }

        @Override
        public ShmRegion shm() {
            return new ShmRegion(0, 0);
        }

        @Override
        public String cmdline() {
            return "";
        }
    }

    /** A subscriber that requests nothing cannot make the VM buffer without bound; VmExited still comes. */
    @Test
    void aSubscriberThatRequestsNothingMakesEventsDropCountedAndVmExitedStillArrives() throws Exception {
        int extra = 1000;
        ChattyVm vm = new ChattyVm(VmLifecycle.MAX_BUFFERED + extra);
        List<VmEvent> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        BaseSubscriber<VmEvent> lazy = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                // requests nothing until told
            }

            @Override
            protected void hookOnNext(VmEvent e) {
                seen.add(e);
            }

            @Override
            protected void hookOnComplete() {
                done.countDown();
            }
        };
        vm.events().subscribe(lazy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (vm.droppedEvents() < extra && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(vm.droppedEvents()).isEqualTo(extra);
        lazy.request(Long.MAX_VALUE);
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).hasSize(VmLifecycle.MAX_BUFFERED + 1);
        VmExited exit = (VmExited) seen.get(seen.size() - 1);
        assertThat(exit.reason()).isEqualTo(ExitReason.SHUTDOWN);
        assertThat(exit.detail()).contains(extra + " events dropped");
        vm.close();
    }

    /** A guest that ended by itself keeps its memory for the subscriber, unless the subscriber left: then it goes. */
    @Test
    void aCancelAfterTheGuestEndedByItselfReleasesTheMemoryWithoutClose() throws Exception {
        ChattyVm vm = new ChattyVm(3);
        BaseSubscriber<VmEvent> lazy = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                // requests nothing: VmExited waits in the buffer, the run has ended
            }
        };
        vm.events().subscribe(lazy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (vm.mapped.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(100); // run() returned (SHUTDOWN); memory kept for the subscriber
        assertThat(vm.unmapped).hasValue(0);
        lazy.cancel();
        assertThat(vm.unmapped).as("released at the cancel, no close()").hasValue(1);
        vm.close();
        assertThat(vm.unmapped).hasValue(1);
    }

    /** A close() that gave up waiting released nothing; what the VM's thread mapped afterwards is released at its end. */
    @Test
    void memoryMappedAfterCloseGaveUpWaitingIsReleasedWhenTheRunEnds() throws Exception {
        ChattyVm vm = new ChattyVm(0, 50, 400);
        CountDownLatch done = new CountDownLatch(1);
        vm.events().subscribe(e -> { }, e -> done.countDown(), done::countDown);
        long t0 = System.nanoTime();
        vm.close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("close gave up waiting").isLessThan(350);
        assertThat(vm.mapped).hasValue(0);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(vm.mapped).hasValue(1);
        assertThat(vm.unmapped).as("released at the run's end").hasValue(1);
    }

    /**
     * close() racing the subscription: whichever wins, guest memory the VM's thread maps is released (before, a close
     * between the subscription's closed check and its thread start released nothing and left RAM mapped).
     */
    @RepeatedTest(5)
    void closeRacingTheSubscriptionNeverLeavesMemoryMapped() throws Exception {
        for (int i = 0; i < 200; i++) {
            ChattyVm vm = new ChattyVm(0);
            CountDownLatch go = new CountDownLatch(1);
            Thread subscriber = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                vm.events().onErrorResume(e -> reactor.core.publisher.Flux.empty()).subscribe();
            });
            subscriber.start();
            go.countDown();
            vm.close();
            subscriber.join(10_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (vm.unmapped.get() < vm.mapped.get() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(vm.unmapped.get()).as("iteration %d: memory released", i).isEqualTo(vm.mapped.get());
        }
    }
}
