package io.ktstr4j.vmm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.GuestExit;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.schemas.event.InitStage;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.vmm.ArrayGuestMemory;
import io.ktstr4j.vmm.ShmRegion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class RingReaderTest {
    static final long BASE = 0x7F00_0000L;

    private final ArrayGuestMemory mem = new ArrayGuestMemory(BASE, 4096);
    private final TestRingWriter w = new TestRingWriter(mem, BASE);

    RingReaderTest() {
        ShmLayout.initHeader(mem, BASE, 4096);
    }

    private RingReader reader() {
        return new RingReader(mem, new ShmRegion(BASE, 4096));
    }

    @Test
    void headerMatchesKtstrLayout() {
        assertThat(mem.readU32(BASE)).isEqualTo(0x53544D52);
        assertThat(mem.readU32(BASE + 4)).isEqualTo(1);
        assertThat(mem.readU32(BASE + 8)).isEqualTo(4096 - 40);
        assertThat(mem.readU64(BASE + 16)).isZero();
        assertThat(mem.readU64(BASE + 24)).isZero();
        assertThat(mem.readU64(BASE + 32)).isZero();
    }

    @Test
    void readsMessagesInOrderAndAdvancesReadPtr() {
        RingReader r = reader();
        w.send(ShmLayout.MSG_INIT_STAGE, "INIT_STARTED".getBytes(StandardCharsets.UTF_8));
        w.send(ShmLayout.MSG_SCENARIO_START, new byte[0]);
        w.send(ShmLayout.MSG_EXIT, TestRingWriter.i32(0));
        assertThat(r.drain()).containsExactly(new InitStage("INIT_STARTED"), new ScenarioStart(), new GuestExit(0));
        assertThat(mem.readU64(BASE + ShmLayout.OFF_READ_PTR)).isEqualTo(mem.readU64(BASE + ShmLayout.OFF_WRITE_PTR));
        assertThat(r.drain()).isEmpty();
        assertThat(r.messagesRead()).isEqualTo(3);
    }

    @Test
    void messagesWrapAroundTheEndOfTheRing() {
        RingReader r = reader();
        long total = 0;
        for (int round = 0; round < 50; round++) { // 40-byte messages in a 4056-byte ring: wraps mid-message
            for (int i = 0; i < 37; i++) {
                assertThat(w.send(ShmLayout.MSG_STIMULUS, TestRingWriter.stimulus(round, i, 1, 0, 0, 0, total++)))
                        .isTrue();
            }
            List<GuestMessage> got = r.drain();
            assertThat(got).hasSize(37).allMatch(m -> m instanceof Stimulus);
            assertThat(((Stimulus) got.get(36)).totalIterations()).isEqualTo(total - 1);
        }
        assertThat(r.errorCounts()).isEmpty();
    }

    @Test
    void fullRingDropsAreReportedWithTheGuestsCounter() {
        RingReader r = reader();
        int sent = 0;
        for (int i = 0; i < 200; i++) {
            if (w.send(ShmLayout.MSG_STIMULUS, TestRingWriter.stimulus(0, i, 0, 0, 0, 0, i))) {
                sent++;
            }
        }
        List<GuestMessage> got = r.drain();
        assertThat(got.get(0)).isEqualTo(new ChannelError("ring_drops", "guest dropped " + (200 - sent)
                + " message(s), ring full", 200 - sent));
        assertThat(got).filteredOn(m -> m instanceof Stimulus).hasSize(sent);
        assertThat(r.drops()).isEqualTo(200 - sent);
    }

    @Test
    void badMagicIsReportedOnceAndNothingIsRead() {
        mem.writeU8(BASE, (byte) 0);
        RingReader r = reader();
        assertThat(r.drain()).singleElement().extracting(m -> ((ChannelError) m).kind()).isEqualTo("bad_header");
        assertThat(r.drain()).isEmpty();
        ShmLayout.initHeader(mem, BASE, 4096);
        w.send(ShmLayout.MSG_EXIT, TestRingWriter.i32(1));
        assertThat(r.drain()).containsExactly(new GuestExit(1));
    }

    @Test
    void capacityLargerThanTheRegionIsRefused() {
        mem.write(BASE + ShmLayout.OFF_CAPACITY, TestRingWriter.i32(1 << 20), 0, 4);
        assertThat(reader().drain()).singleElement().extracting(m -> ((ChannelError) m).kind()).isEqualTo("bad_header");
    }

    @Test
    void crcMismatchSkipsOnlyThatMessage() {
        RingReader r = reader();
        byte[] p = TestRingWriter.i32(5);
        w.sendRaw(ShmLayout.MSG_EXIT, 4, 0xBAD, p);
        w.send(ShmLayout.MSG_EXIT, TestRingWriter.i32(6));
        List<GuestMessage> got = r.drain();
        assertThat(got).hasSize(2);
        assertThat(((ChannelError) got.get(0)).kind()).isEqualTo("crc_mismatch");
        assertThat(got.get(1)).isEqualTo(new GuestExit(6));
        assertThat(r.errorCounts()).containsEntry("crc_mismatch", 1L);
    }

    @Test
    void lengthPastTheRingResynchronisesToWritePtr() {
        RingReader r = reader();
        w.sendRaw(ShmLayout.MSG_CRASH, 100_000, 0, new byte[8]);
        List<GuestMessage> got = r.drain();
        assertThat(got).singleElement().extracting(m -> ((ChannelError) m).kind()).isEqualTo("bad_length");
        assertThat(mem.readU64(BASE + ShmLayout.OFF_READ_PTR)).isEqualTo(mem.readU64(BASE + ShmLayout.OFF_WRITE_PTR));
        w.send(ShmLayout.MSG_EXIT, TestRingWriter.i32(2));
        assertThat(r.drain()).containsExactly(new GuestExit(2));
    }

    @Test
    void pointersGoingBackwardsOrTooFarApartAreErrors() {
        RingReader r = reader();
        w.send(ShmLayout.MSG_EXIT, TestRingWriter.i32(0));
        r.drain();
        mem.writeU64(BASE + ShmLayout.OFF_WRITE_PTR, 4); // behind what we already saw
        assertThat(r.drain()).singleElement().extracting(m -> ((ChannelError) m).kind())
                .isEqualTo("pointer_backwards");
        mem.writeU64(BASE + ShmLayout.OFF_WRITE_PTR, 1_000_000); // more unread than the capacity
        assertThat(r.drain()).singleElement().extracting(m -> ((ChannelError) m).kind()).isEqualTo("bad_pointers");
        mem.writeU64(BASE + ShmLayout.OFF_READ_PTR, 2_000_000); // read ahead of write: the host's read_ptr stands
        assertThat(r.drain()).singleElement().extracting(m -> ((ChannelError) m).kind())
                .isEqualTo("read_ptr_rewritten");
        assertThat(mem.readU64(BASE + ShmLayout.OFF_READ_PTR)).isEqualTo(1_000_000);
        w.send(ShmLayout.MSG_EXIT, TestRingWriter.i32(9));
        assertThat(r.drain()).containsExactly(new GuestExit(9));
    }

    @Test
    void aGuestRewindingReadPtrDoesNotHaveItsMessagesReadTwice() {
        RingReader r = reader();
        for (int i = 0; i < 3; i++) {
            w.send(ShmLayout.MSG_EXIT, TestRingWriter.i32(i));
        }
        assertThat(r.drain()).containsExactly(new GuestExit(0), new GuestExit(1), new GuestExit(2));
        for (int round = 0; round < 5; round++) {
            mem.writeU64(BASE + ShmLayout.OFF_READ_PTR, 0); // the guest rewinds the host's pointer
            List<GuestMessage> again = r.drain();
            assertThat(again).singleElement().isInstanceOfSatisfying(ChannelError.class, e -> {
                assertThat(e.kind()).isEqualTo("read_ptr_rewritten");
                assertThat(e.detail()).isEqualTo("the guest moved read_ptr from 60 to 0; the host's value stands");
            });
        }
        assertThat(r.errorCounts()).containsEntry("read_ptr_rewritten", 5L);
        assertThat(r.messagesRead()).isEqualTo(3);
        w.send(ShmLayout.MSG_EXIT, TestRingWriter.i32(7));
        assertThat(r.drain()).containsExactly(new GuestExit(7));
    }

    @Test
    void drainIsBoundedPerCall() {
        RingReader r = new RingReader(mem, BASE, 4096, 10);
        for (int i = 0; i < 50; i++) {
            w.send(ShmLayout.MSG_SCENARIO_START, new byte[0]);
        }
        assertThat(r.drain()).hasSize(10);
        assertThat(r.drainAll()).hasSize(40);
    }

    @Test
    void controlBytesAreWhereTheAgentPollsThem() {
        RingReader r = reader();
        r.requestDump();
        r.requestStop();
        assertThat(mem.readU8(BASE + 12)).isEqualTo((byte) 'D');
        assertThat(mem.readU8(BASE + 14)).isEqualTo((byte) 0xDD);
        assertThat(mem.readU32(BASE + 8)).isEqualTo(4096 - 40); // capacity untouched
    }

    @Test
    void memoryThatGoesAwayIsReportedOnceNotThrown() {
        RingReader r = new RingReader(mem, BASE + 8192, 4096, 100);
        assertThat(r.drain()).singleElement().extracting(m -> ((ChannelError) m).kind())
                .isEqualTo("memory_unavailable");
        assertThat(r.drain()).isEmpty();
    }

    @Test
    void fluxDrainsPeriodicallyAndOnceMoreAfterExit() {
        RingReader r = reader();
        Sinks.One<Boolean> exited = Sinks.one();
        w.send(ShmLayout.MSG_SCENARIO_START, new byte[0]);
        StepVerifier.create(r.messages(exited.asMono(), Duration.ofMillis(20),
                        reactor.core.scheduler.Schedulers.parallel()))
                .expectNext(new ScenarioStart())
                .then(() -> {
                    w.send(ShmLayout.MSG_EXIT, TestRingWriter.i32(3));
                    exited.tryEmitValue(true); // the final drain must still pick up EXIT
                })
                .expectNext(new GuestExit(3))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
