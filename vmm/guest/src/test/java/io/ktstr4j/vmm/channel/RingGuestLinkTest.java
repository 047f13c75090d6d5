package io.ktstr4j.vmm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.GuestExit;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.vmm.ArrayGuestMemory;
import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.ShmRegion;
import io.ktstr4j.vmm.Vm;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RingGuestLinkTest {
    static final long BASE = 0x7F00_0000L;

    private final ArrayGuestMemory mem = new ArrayGuestMemory(BASE, 4096);

    RingGuestLinkTest() {
        ShmLayout.initHeader(mem, BASE, 4096);
    }

    static Vm vm(GuestMemory memory, ShmRegion shm) {
        return new Vm() {
            @Override
            public Flux<VmEvent> events() {
                return Flux.empty();
            }

            @Override
            public GuestMemory memory() {
                return memory;
            }

            @Override
            public ShmRegion shm() {
                return shm;
            }

            @Override
            public String cmdline() {
                return "";
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void requestsGoToTheRingHeadersControlBytes() {
        GuestLink link = GuestLink.Factory.RING.open(vm(mem, new ShmRegion(BASE, 4096)));
        link.requestDump();
        assertThat(mem.bytes()[ShmLayout.OFF_CTRL_DUMP] & 0xff).isEqualTo(ShmLayout.DUMP_REQUEST & 0xff);
        link.requestStop();
        assertThat(mem.bytes()[ShmLayout.OFF_CTRL_SIGNAL0] & 0xff).isEqualTo(ShmLayout.STOP_REQUEST & 0xff);
    }

    @Test
    void messagesAreDrainedOnceMoreAfterTheVmIsGone() {
        TestRingWriter w = new TestRingWriter(mem, BASE);
        w.send(ShmLayout.MSG_SCENARIO_START, new byte[0]);
        w.send(ShmLayout.MSG_EXIT, TestRingWriter.i32(0));
        GuestLink link = GuestLink.Factory.RING.open(vm(mem, new ShmRegion(BASE, 4096)));
        StepVerifier.create(link.messages(Mono.empty()))
                .expectNext(new ScenarioStart(), new GuestExit(0))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void withoutARingThereAreNoMessagesAndRequestsAreDropped() {
        GuestLink link = GuestLink.Factory.RING.open(vm(null, null));
        link.requestDump();
        link.requestStop();
        StepVerifier.create(link.messages(Mono.empty())).expectComplete().verify(Duration.ofSeconds(5));
    }
}
