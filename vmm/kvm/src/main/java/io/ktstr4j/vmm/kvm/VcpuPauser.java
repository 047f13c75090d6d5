package io.ktstr4j.vmm.kvm;

import io.ktstr4j.vmm.hooks.VmFreezer;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Freezes a {@link KvmVm} for the monitor by parking its vCPU threads outside KVM_RUN: {@link #freeze()} raises the
 * flag and kicks every vCPU (immediate_exit + signal), each vCPU loop calls {@link #parkIfRequested} between runs, and
 * freeze returns once every running vCPU thread is parked. {@link #thaw()} lets them go; each clears its own
 * immediate_exit before it enters the guest again. A stopping VM never stays parked.
 */
final class VcpuPauser implements VmFreezer {
    static final long FREEZE_TIMEOUT_MS = 2000;

    private final Runnable kickAll;
    private final BooleanSupplier stopping;
    private final Object lock = new Object();
    private boolean requested;
    private int running;
    private int parked;

    /**
     * @param kickAll  sets immediate_exit on every vCPU and signals its thread
     * @param stopping true once the VM is stopping (parked vCPUs then leave)
     */
    VcpuPauser(Runnable kickAll, BooleanSupplier stopping) {
        this.kickAll = kickAll;
        this.stopping = stopping;
    }

    /** A vCPU thread enters its run loop. */
    void enter() {
        synchronized (lock) {
            running++;
        }
    }

    /** A vCPU thread leaves its run loop (stop or error). */
    void leave() {
        synchronized (lock) {
            running--;
            lock.notifyAll();
        }
    }

    /** Called by a vCPU thread between two KVM_RUNs: blocks while a freeze is requested. True if it parked. */
    boolean parkIfRequested() throws InterruptedException {
        synchronized (lock) {
            if (!requested || stopping.getAsBoolean()) {
                return false;
            }
            parked++;
            lock.notifyAll();
            try {
                while (requested && !stopping.getAsBoolean()) {
                    lock.wait(50); // also wakes for a stop, which does not notify this lock
                }
            } finally {
                parked--;
            }
            return true;
        }
    }

    /** True while a freeze is asked for or in force: a vCPU must then keep immediate_exit set. */
    boolean requested() {
        synchronized (lock) {
            return requested;
        }
    }

    /** True while every running vCPU is parked (register reads are then safe and do not block). */
    boolean frozen() {
        synchronized (lock) {
            return requested && parked == running;
        }
    }

    /**
     * Parks every running vCPU. A VM that is stopping is not frozen (its vCPUs are leaving, their kvm_run pages are
     * about to be unmapped): freeze then throws without kicking anything, and a stop that comes while it waits ends
     * the kicking at once.
     */
    @Override
    public void freeze() {
        synchronized (lock) {
            if (requested) {
                throw new IllegalStateException("the VM is already frozen");
            }
            if (stopping.getAsBoolean()) {
                throw new IllegalStateException("the VM is stopping: nothing to freeze");
            }
            requested = true;
            // the first kick under the lock, right after the stop check (a closed vCPU ignores it anyway: VcpuFd)
            kickAll.run();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FREEZE_TIMEOUT_MS);
        synchronized (lock) {
            while (parked < running && !stopping.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    int p = parked;
                    int r = running;
                    requested = false;
                    lock.notifyAll();
                    throw new IllegalStateException("could not freeze the VM: " + p + " of " + r
                            + " vCPUs parked within " + FREEZE_TIMEOUT_MS + " ms");
                }
                try {
                    // a vCPU may clear immediate_exit just after our kick (it saw no request yet): kick again
                    lock.wait(Math.max(1, Math.min(5, TimeUnit.NANOSECONDS.toMillis(left))));
                    if (stopping.getAsBoolean()) {
                        break; // the stop kicked every vCPU itself; they leave rather than park
                    }
                    kickAll.run();
                } catch (InterruptedException e) {
                    requested = false;
                    lock.notifyAll();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while freezing the VM", e);
                }
            }
        }
    }

    @Override
    public void thaw() {
        synchronized (lock) {
            requested = false;
            lock.notifyAll();
        }
    }
}
