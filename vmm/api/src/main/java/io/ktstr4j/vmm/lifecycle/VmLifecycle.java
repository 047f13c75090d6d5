package io.ktstr4j.vmm.lifecycle;

import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.Vm;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

/**
 * The life of a VM, the same for every backend. Subscribing to {@link #events()} (once) starts one platform thread
 * that runs the backend's {@link #run()}; nothing blocks the subscriber's thread. A stop ({@link #requestStop}) is
 * taken once, from any thread: cancelling the subscription, {@link #close()}, or the backend itself (guest reset,
 * watchdog); the backend's {@link #onStop} then makes {@code run()} return soon. When {@code run()} returns,
 * {@code VmExited} is emitted and the stream completes; events emitted after that (a late console reader) are dropped,
 * so VmExited is always the last event. Guest memory is readable from the moment the backend maps it until close.
 *
 * @param <M> the backend's guest memory
 */
public abstract class VmLifecycle<M extends GuestMemory> implements Vm {

    /** Why a VM stopped (or is to stop), in words. */
    public record Stop(ExitReason reason, String detail) {}

    private static final long CLOSE_WAIT_SECONDS = 15;

    private final String threadName;
    private final Sinks.Many<VmEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
    private final Object emitLock = new Object();
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<Stop> stop = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Thread thread;
    private volatile M memory;
    private volatile long createdNanos = System.nanoTime();

    /** @param threadName the name of the thread that runs the VM */
    protected VmLifecycle(String threadName) {
        this.threadName = threadName;
    }

    @Override
    public final Flux<VmEvent> events() {
        return Flux.defer(() -> {
            if (!subscribed.compareAndSet(false, true)) {
                return Flux.<VmEvent>error(new IllegalStateException(
                        "Vm.events() can be subscribed once; this VM already ran"));
            }
            if (closed.get()) {
                return Flux.<VmEvent>error(new IllegalStateException("this VM is closed"));
            }
            Thread t = new Thread(this::lifecycle, threadName);
            t.setDaemon(true);
            thread = t;
            t.start();
            return sink.asFlux();
        }).doFinally(signal -> {
            // after the cancel reached the sink, so nothing (not even VmExited) reaches a subscriber that left
            if (signal == SignalType.CANCEL) {
                requestStop(ExitReason.CANCELLED, "event subscription cancelled");
            }
        });
    }

    @Override
    public final GuestMemory memory() {
        M m = memory;
        if (m == null) {
            throw new IllegalStateException("guest memory is available from VmCreated until close(); the VM has not"
                    + " been created yet (subscribe to events())");
        }
        return m;
    }

    /**
     * Stops the VM if it runs, waits (bounded) until it is down, then lets the backend release what it holds.
     * Idempotent; blocks, so not for a Reactor thread.
     */
    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        requestStop(ExitReason.CANCELLED, "VM closed");
        if (thread != null) {
            try {
                finished.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        release();
    }

    /**
     * Asks the VM to stop; the first request wins and calls {@link #onStop} once, later ones are ignored. Safe from any
     * thread, never blocks. Returns whether this request was the first.
     */
    protected final boolean requestStop(ExitReason reason, String detail) {
        Stop s = new Stop(reason, detail);
        if (!stop.compareAndSet(null, s)) {
            return false;
        }
        onStop(s);
        return true;
    }

    /** The stop taken, or null while nobody asked the VM to stop. */
    protected final Stop stopRequest() {
        return stop.get();
    }

    /** Emits one event; dropped once VmExited went out (or nobody listens any more). Thread-safe. */
    protected final void emit(VmEvent e) {
        synchronized (emitLock) {
            sink.tryEmitNext(e); // fails once completed, or after a cancel when nobody listens
        }
    }

    /** The backend mapped guest RAM: {@link #memory()} returns it from now on. */
    protected final void memoryReady(M m) {
        memory = m;
    }

    /** Guest RAM as mapped so far, or null. */
    protected final M mappedMemory() {
        return memory;
    }

    /** True once {@link #close()} was called. */
    protected final boolean isClosed() {
        return closed.get();
    }

    /** Restarts the VM's clock (event timestamps and VmExited's duration count from here). */
    protected final void markCreated() {
        createdNanos = System.nanoTime();
    }

    /** Nanoseconds since {@link #markCreated()} (or since the run began). */
    protected final long sinceCreatedNanos() {
        return System.nanoTime() - createdNanos;
    }

    /**
     * Runs the VM on the lifecycle thread until it is down and its threads, fds and child processes are released
     * (guest memory may stay mapped until {@link #release()}). Returns why it ended; a throw counts as an error.
     */
    protected abstract Stop run() throws Exception;

    /** Makes a running {@link #run()} return soon (kick vCPUs, kill the child). Called once, from any thread. */
    protected abstract void onStop(Stop stop);

    /** The guest's exit code for VmExited, or null. */
    protected abstract Integer guestExitCode();

    /**
     * Releases what outlives {@link #run()} (guest memory, files). Called once by {@link #close()}, after {@code run()}
     * returned or the wait for it gave up; a backend may call it earlier itself, so it must be idempotent.
     */
    protected abstract void release();

    private void lifecycle() {
        createdNanos = System.nanoTime();
        Stop end;
        try {
            end = run();
        } catch (Throwable e) {
            end = new Stop(ExitReason.ERROR, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        if (end == null) {
            end = new Stop(ExitReason.ERROR, "the VM ended without saying why");
        }
        // VmExited and completion under one lock: no event comes between them, the completed sink refuses later ones
        synchronized (emitLock) {
            sink.tryEmitNext(new VmExited(end.reason(), guestExitCode(), sinceCreatedNanos(), end.detail()));
            sink.tryEmitComplete();
        }
        finished.countDown();
    }
}
