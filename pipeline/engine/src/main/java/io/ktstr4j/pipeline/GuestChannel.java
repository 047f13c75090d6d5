package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.vmm.Vm;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The guest→host message stream of one VM. Implementations poll the SHM ring while the VM runs, drain it one last
 * time when {@code vmGone} completes, and then complete.
 */
@FunctionalInterface
public interface GuestChannel {
    Flux<GuestMessage> open(Vm vm, Mono<Void> vmGone);

    /** No channel: only console lines and VM events (tests, or a backend without guest RAM access). */
    GuestChannel NONE = (vm, gone) -> Flux.empty();
}
