package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.vmm.Vm;
import reactor.core.publisher.Flux;

/**
 * The host-side monitor of one VM: {@code MonitorSample}s of the guest kernel's run queues (about every 100 ms) and,
 * when the variant asks for them, periodic {@code Snapshot}s, until the VM is gone.
 */
public interface MonitorSource {

    /**
     * Null when samples can be taken for this variant, else why not, as a sentence naming what is missing (e.g. no
     * System.map next to the kernel). Cheap: called before the VM boots, on the subscriber's thread.
     */
    String unavailableReason(Variant variant);

    default boolean available(Variant variant) {
        return unavailableReason(variant) == null;
    }

    /**
     * Samples and snapshots of {@code vm}, opened once guest memory is valid (at {@code VmCreated}); completes once
     * {@code context.vmGone()} fires. Problems that leave the run without monitor data are told to
     * {@code context.problems()}; they never end the run.
     */
    Flux<EventBody> open(Vm vm, Variant variant, MonitorContext context);

    MonitorSource NONE = new MonitorSource() {
        @Override
        public String unavailableReason(Variant variant) {
            return "no monitor is configured for this runner";
        }

        @Override
        public Flux<EventBody> open(Vm vm, Variant variant, MonitorContext context) {
            return Flux.empty();
        }
    };
}
