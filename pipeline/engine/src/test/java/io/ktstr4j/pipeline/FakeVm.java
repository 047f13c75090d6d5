package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.ShmRegion;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.VmConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A VM that pushes events from its own platform thread regardless of demand, like vCPU threads do:
 * VmCreated, {@code consoleLines} COM1 lines, then (unless {@code hang}) VmExited(REBOOT).
 */
public final class FakeVm implements Vm {

    final int consoleLines;
    final boolean hang;
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicInteger closeCalls = new AtomicInteger();
    final CountDownLatch producerDone = new CountDownLatch(1);

    final java.util.List<String> com2Lines;

    public FakeVm(int consoleLines, boolean hang) {
        this(consoleLines, hang, java.util.List.of());
    }

    /** Also writes {@code com2Lines} on COM2 after the console lines (e.g. the agent's fallback message blocks). */
    public FakeVm(int consoleLines, boolean hang, java.util.List<String> com2Lines) {
        this(consoleLines, hang, com2Lines, 0, 0);
    }

    private FakeVm(int consoleLines, boolean hang, java.util.List<String> com2Lines, long lifetimeMs, long closeMs) {
        this.consoleLines = consoleLines;
        this.hang = hang;
        this.com2Lines = com2Lines;
        this.lifetimeMs = lifetimeMs;
        this.closeMs = closeMs;
    }

    /** How long close() takes (a VM whose teardown hangs). */
    final long closeMs;

    /** The same VM, whose close() takes {@code ms}. */
    public FakeVm closing(long ms) {
        return new FakeVm(consoleLines, hang, com2Lines, lifetimeMs, ms);
    }

    /** How long the VM runs after its lines before it exits (or until it is closed). */
    final long lifetimeMs;

    /** The same VM, running {@code ms} before it exits: a gauntlet's VMs overlap in time. */
    public FakeVm lasting(long ms) {
        return new FakeVm(consoleLines, hang, com2Lines, ms, closeMs);
    }

    @Override
    public Flux<VmEvent> events() {
        return Flux.create(sink -> {
            Thread t = new Thread(() -> produce(sink), "fake-vcpu");
            t.setDaemon(true);
            t.start();
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    private void produce(FluxSink<VmEvent> sink) {
        sink.next(new VmCreated("fake", 4, 256, "1n2l2c1t"));
        for (int i = 0; i < consoleLines && !closed.get(); i++) {
            sink.next(new ConsoleLine(ConsoleLine.COM1, i, "console " + i));
        }
        for (int i = 0; i < com2Lines.size() && !closed.get(); i++) {
            sink.next(new ConsoleLine(ConsoleLine.COM2, consoleLines + i, com2Lines.get(i)));
        }
        producerDone.countDown();
        long end = System.nanoTime() + lifetimeMs * 1_000_000;
        while (lifetimeMs > 0 && !closed.get() && System.nanoTime() < end) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                break;
            }
        }
        if (!hang) {
            sink.next(new VmExited(ExitReason.REBOOT, 0, 1_000_000, null));
            sink.complete();
        }
    }

    @Override
    public GuestMemory memory() {
        return null;
    }

    @Override
    public ShmRegion shm() {
        return null;
    }

    @Override
    public String cmdline() {
        return "";
    }

    @Override
    public void close() {
        closeCalls.incrementAndGet();
        closed.set(true);
        if (closeMs > 0) {
            try {
                Thread.sleep(closeMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A backend handing out a new VM for each run, from {@code vms} (a gauntlet runs several at once). */
    public static VmBackend backend(java.util.function.Supplier<FakeVm> vms) {
        return new VmBackend() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Vm create(VmConfig config) {
                return vms.get();
            }
        };
    }

    /** A backend handing out this VM (or failing like a bad config). */
    public static VmBackend backend(FakeVm vm, RuntimeException failure) {
        return backend(() -> {
            if (failure != null) {
                throw failure;
            }
            return vm;
        });
    }
}
