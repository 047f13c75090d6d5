package io.ktstr4j.vmm.channel;

import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.vmm.ShmRegion;
import io.ktstr4j.vmm.Vm;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The guest link over the SHM ring: one {@link RingReader} per VM, drained every 100 ms while the VM runs and once
 * more after it exits, and the header's control bytes for requests. A VM without a ring (no SHM region or no guest
 * memory access) gets no messages, and requests are dropped.
 */
public final class RingGuestLink implements GuestLink {

    private final Vm vm;
    private Optional<RingReader> reader; // resolved on first use: guest memory is valid only once the VM is created

    public RingGuestLink(Vm vm) {
        this.vm = vm;
    }

    @Override
    public Flux<GuestMessage> messages(Mono<Void> vmGone) {
        return Flux.defer(() -> reader().map(r -> r.messages(vmGone))
                .orElseGet(() -> vmGone.thenMany(Flux.empty())));
    }

    @Override
    public void requestDump() {
        reader().ifPresent(RingReader::requestDump);
    }

    @Override
    public void requestStop() {
        reader().ifPresent(RingReader::requestStop);
    }

    private synchronized Optional<RingReader> reader() {
        if (reader == null) {
            ShmRegion shm = vm.shm();
            reader = shm == null || shm.size() == 0 ? Optional.empty()
                    : Optional.of(new RingReader(vm.memory(), shm));
        }
        return reader;
    }
}
