package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.vmm.ShmRegion;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.channel.RingReader;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The guest channel over the SHM ring: drained every 100 ms while the VM runs, and once more after it exits. */
public final class RingGuestChannel implements GuestChannel {

    @Override
    public Flux<GuestMessage> open(Vm vm, Mono<Void> vmGone) {
        return Flux.defer(() -> {
            ShmRegion shm = vm.shm();
            if (shm == null || shm.size() == 0 || vm.memory() == null) {
                return vmGone.thenMany(Flux.empty());
            }
            return new RingReader(vm.memory(), shm).messages(vmGone);
        });
    }
}
