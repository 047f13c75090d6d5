package io.ktstr4j.vmm.channel;

import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.vmm.Vm;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The host's one link to the agent in a VM: the guest's messages (over the SHM ring, or COM2 as the fallback), and
 * the host's requests (dump, stop). Guest memory
 * is valid from {@code VmCreated} on, so nothing is read or written before the first call.
 */
public interface GuestLink {

    /** Messages as the guest sends them; after {@code vmGone} completes, whatever is left, then completion. */
    Flux<GuestMessage> messages(Mono<Void> vmGone);

    /**
     * The VM's events with the agent's COM2 fallback messages (used when it has no SHM ring) decoded in place of
     * their hex lines ({@link Com2MessageDecoder}).
     */
    default Flux<EventBody> withCom2Messages(Flux<EventBody> vmEvents) {
        return Com2MessageDecoder.decodeIn(vmEvents);
    }

    /** Asks the agent for a sched_ext dump (SysRq-D). A no-op without a way to reach it; throws when the write fails. */
    void requestDump();

    /** Asks the agent to wind down and report. A no-op without a way to reach it; throws when the write fails. */
    void requestStop();

    /** No guest link: only console lines and VM events (tests, or a backend without guest RAM access). */
    GuestLink NONE = receiving(gone -> Flux.empty());

    /** A link that only receives (tests): requests go nowhere. */
    static GuestLink receiving(Function<Mono<Void>, Flux<GuestMessage>> messages) {
        Objects.requireNonNull(messages, "messages");
        return new GuestLink() {
            @Override
            public Flux<GuestMessage> messages(Mono<Void> vmGone) {
                return messages.apply(vmGone);
            }

            @Override
            public void requestDump() {
            }

            @Override
            public void requestStop() {
            }
        };
    }

    /** Opens the link of each VM a runner creates. */
    @FunctionalInterface
    interface Factory {
        GuestLink open(Vm vm);

        Factory NONE = vm -> GuestLink.NONE;
        /** The SHM ring in guest RAM ({@link RingGuestLink}). */
        Factory RING = RingGuestLink::new;
    }
}
