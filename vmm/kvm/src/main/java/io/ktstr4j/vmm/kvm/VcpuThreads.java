package io.ktstr4j.vmm.kvm;

import com.sun.jna.NativeLong;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The vCPU threads of one VM and their pthread ids, so they can be kicked out of KVM_RUN safely. A thread's id is
 * registered by the thread itself when it starts and withdrawn (under the same lock that kicks) before it exits: a
 * {@code pthread_kill} therefore only ever reaches a thread that has not finished its run loop — signalling the id of
 * a thread that already exited is undefined behaviour (glibc may read its freed descriptor).
 */
final class VcpuThreads {

    /** How a thread names itself and how it is signalled; {@link VcpuKicker} in production. */
    interface Signaller {
        NativeLong self();

        void kick(NativeLong thread);
    }

    static final Signaller PTHREAD = new Signaller() {
        @Override
        public NativeLong self() {
            return VcpuKicker.currentThread();
        }

        @Override
        public void kick(NativeLong thread) {
            VcpuKicker.kick(thread);
        }
    };

    private final Signaller signaller;
    private final List<Thread> threads = new ArrayList<>();
    private final List<NativeLong> ids = new ArrayList<>();

    VcpuThreads(Signaller signaller) {
        this.signaller = signaller;
    }

    /** Adds a thread (not yet started); returns its index. */
    synchronized int add(Thread t) {
        threads.add(t);
        ids.add(null);
        return threads.size() - 1;
    }

    /** Called by vCPU thread {@code i} first: from now on kicks reach it. */
    synchronized void started(int i) {
        ids.set(i, signaller.self());
    }

    /** Called by vCPU thread {@code i} last (in a finally): no kick reaches it afterwards. */
    synchronized void exiting(int i) {
        ids.set(i, null);
    }

    /** Signals every vCPU thread still in its run loop. */
    synchronized void kickAll() {
        for (NativeLong id : ids) {
            if (id != null) {
                signaller.kick(id);
            }
        }
    }

    synchronized Thread thread(int i) {
        return i >= 0 && i < threads.size() ? threads.get(i) : null;
    }

    /**
     * Joins every thread, kicking those still running every 5 ms (a signal may land just before KVM_RUN), for at most
     * {@code timeoutMs}. Returns the names of the threads still alive then (empty: all joined).
     */
    List<String> join(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<Thread> ts;
        synchronized (this) {
            ts = new ArrayList<>(threads);
        }
        for (Thread t : ts) {
            while (t.isAlive() && System.nanoTime() < deadline) {
                kickAll();
                t.join(5);
            }
        }
        return alive();
    }

    /** Names of the vCPU threads that are alive. */
    synchronized List<String> alive() {
        return threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }
}
