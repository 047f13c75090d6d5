package io.ktstr4j.vmm.lifecycle;

import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.Vm;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * so VmExited is always the last event. Guest memory is readable from the moment the backend maps it until close,
 * or until the subscription is cancelled and the VM is down (whoever ended it: nobody is left to drain the ring).
 *
 * <p>Events wait for the subscriber in a buffer of at most {@link #MAX_BUFFERED} events: a subscriber that stops
 * requesting (or requests slowly) makes later events drop, counted ({@link #droppedEvents()}, and named in VmExited's
 * detail), so a chatty guest cannot grow the host's heap without bound. VmExited itself is never dropped. The
 * pipeline requests unbounded and keeps its own bounded buffer ({@code run.dropped}), so it never hits this one.
 *
 * @param <M> the backend's guest memory
 */
public abstract class VmLifecycle<M extends GuestMemory> implements Vm {

    /** Why a VM stopped (or is to stop), in words. */
    public record Stop(ExitReason reason, String detail) {}

    private static final long CLOSE_WAIT_MS = 15_000;
    /** Most events held for a subscriber that has not requested them; more are dropped (counted). */
    public static final int MAX_BUFFERED = 65_536;

    private final String threadName;
    private final long closeWaitMs;
    private final CountingQueue<VmEvent> buffer = new CountingQueue<>();
    private final Sinks.Many<VmEvent> sink = Sinks.many().unicast().onBackpressureBuffer(buffer);
    private final Object emitLock = new Object();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private boolean cancelled; // under startLock: the subscriber left before the stream completed
    private boolean runEnded; // under startLock: run() returned
    // events() and close() decide under this lock, so a close racing a subscribe either refuses the subscription or
    // sees the thread it started (and waits for it): never a VM thread that maps memory after close() released it
    private final Object startLock = new Object();
    private final AtomicReference<Stop> stop = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Thread thread;
    private volatile M memory;
    private volatile long createdNanos = System.nanoTime();

    /** @param threadName the name of the thread that runs the VM */
    protected VmLifecycle(String threadName) {
        this(threadName, CLOSE_WAIT_MS);
    }

    /** @param closeWaitMs how long {@link #close()} waits for the VM's thread (15 s by default; tests shorten it) */
    protected VmLifecycle(String threadName, long closeWaitMs) {
        this.threadName = threadName;
        this.closeWaitMs = closeWaitMs;
    }

    @Override
    public final Flux<VmEvent> events() {
        return Flux.defer(() -> {
            synchronized (startLock) {
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
            }
            return sink.asFlux();
        }).doFinally(signal -> {
            // after the cancel reached the sink, so nothing (not even VmExited) reaches a subscriber that left
            if (signal == SignalType.CANCEL) {
                requestStop(ExitReason.CANCELLED, "event subscription cancelled");
                boolean ended;
                synchronized (startLock) {
                    cancelled = true;
                    ended = runEnded;
                }
                if (ended) {
                    // the guest had ended by itself, but nobody is left to drain its memory: release it now
                    releaseOnce();
                }
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
        Thread t;
        synchronized (startLock) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            t = thread;
        }
        requestStop(ExitReason.CANCELLED, "VM closed");
        if (t != null) {
            try {
                finished.await(closeWaitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // if the wait gave up, the VM's thread releases again when run() returns (what it mapped meanwhile)
        releaseOnce();
    }

    /** Events dropped because the subscriber did not request them and {@link #MAX_BUFFERED} were waiting. */
    @Override
    public final long droppedEvents() {
        return dropped.get();
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
            if (buffer.size() >= MAX_BUFFERED) {
                dropped.incrementAndGet();
                return;
            }
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
        boolean leftAlone;
        synchronized (startLock) {
            runEnded = true;
            leftAlone = closed.get() || cancelled;
        }
        if (leftAlone) {
            // closed or cancelled: nobody reads guest memory any more. close() may have released already if its wait
            // gave up: release what run() mapped after that too (backends' release() is idempotent)
            released.set(false);
            releaseOnce();
        }
        // VmExited and completion under one lock: no event comes between them, the completed sink refuses later ones
        synchronized (emitLock) {
            long d = dropped.get();
            String detail = d == 0 ? end.detail() : end.detail() + "; " + d + " events dropped (the subscriber"
                    + " did not request them, " + MAX_BUFFERED + " were waiting)";
            sink.tryEmitNext(new VmExited(end.reason(), guestExitCode(), sinceCreatedNanos(), detail));
            sink.tryEmitComplete();
        }
        finished.countDown();
    }

    private void releaseOnce() {
        if (released.compareAndSet(false, true)) {
            release();
        }
    }

    /**
     * The sink's buffer: an unbounded lock-free queue whose size is counted, so {@link #emit} can bound it in O(1)
     * (VmExited, emitted past the bound, needs the queue itself to take it).
     */
    private static final class CountingQueue<E> extends AbstractQueue<E> {
        private final Queue<E> q = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();

        @Override
        public boolean offer(E e) {
            q.offer(e);
            size.incrementAndGet();
            return true;
        }

        @Override
        public E poll() {
            E e = q.poll();
            if (e != null) {
                size.decrementAndGet();
            }
            return e;
        }

        @Override
        public E peek() {
            return q.peek();
        }

        @Override
        public int size() {
            return size.get();
        }

        @Override
        public boolean isEmpty() {
            return q.isEmpty();
        }

        @Override
        public Iterator<E> iterator() {
            return q.iterator();
        }
    }
}
