package io.ktstr4j.vmm;

import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.vmm.hooks.MonitorHooks;
import reactor.core.publisher.Flux;

/**
 * One test VM. Its life is a cold stream: subscribing to {@link #events()} boots it, the stream completes after
 * {@code VmExited}, and cancelling the subscription stops the VM and releases everything it held.
 */
public interface Vm extends AutoCloseable {

    /** Lifecycle events: created, kernel loaded, vCPU started, console lines, exited (last). Subscribe once. */
    Flux<VmEvent> events();

    /** Guest RAM, readable and writable by the host (monitor, SHM ring). Valid from {@code VmCreated} until close. */
    GuestMemory memory();

    /** Where the guest→host ring lives: top of RAM, excluded from the guest's memory map. */
    ShmRegion shm();

    /** The kernel command line the guest gets (fixed guest contract + user kargs). */
    String cmdline();

    /**
     * What this backend offers the host-side monitor beyond {@link #memory()} (freezing vCPUs, their CPU time). Parts
     * may only work once the VM runs; the default offers nothing, and the monitor then samples without them.
     */
    default MonitorHooks monitorHooks() {
        return MonitorHooks.NONE;
    }

    /**
     * Events this VM dropped because its subscriber did not request them (each backend buffers a bounded number; the
     * count is also named in VmExited's detail). 0 for a subscriber that requests unbounded, as the pipeline does.
     */
    default long droppedEvents() {
        return 0;
    }

    /** Idempotent; stops the VM if running and releases every fd, thread, mapping and child process. */
    @Override
    void close();
}
