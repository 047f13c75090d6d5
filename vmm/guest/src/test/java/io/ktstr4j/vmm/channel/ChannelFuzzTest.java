package io.ktstr4j.vmm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.vmm.ArrayGuestMemory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import io.ktstr4j.schemas.fuzz.Fuzz;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Randomized hostile-guest tests: ring states built from valid frames, mutated headers, pointers and payload bytes,
 * each drained by a fresh reader. The reader must never throw, must return a bounded number of messages, and must
 * decode every frame that was left intact. Seeded, so a failure reproduces. {@link Fuzz#CI_CASES} rounds each here (or
 * {@code -Dfuzz.cases}), {@link Fuzz#FULL_CASES} in {@link GuestChannelFuzzFullTest}; the stateful ring and COM2
 * fuzzers are in {@link GuestChannelFuzzTest}.
 */
@Tag("slow")
class ChannelFuzzTest {
    private static final long SEED = 0x6b747374_72346aL;
    private static final int REGION = 512;
    private static final long BASE = 0x1000;
    private static final int[] TYPES = {ShmLayout.MSG_SCENARIO_START, ShmLayout.MSG_STIMULUS,
        ShmLayout.MSG_SCENARIO_END, ShmLayout.MSG_TEST_RESULT, ShmLayout.MSG_EXIT, ShmLayout.MSG_SCHED_EXIT,
        ShmLayout.MSG_CRASH, ShmLayout.MSG_PAYLOAD_METRICS, ShmLayout.MSG_WORKER_REPORTS, ShmLayout.MSG_INIT_STAGE,
        0x41414141};
    private static final byte[][] JSON_SAMPLES = {
        "{\"passed\":true,\"skipped\":false,\"details\":[]}".getBytes(StandardCharsets.UTF_8),
        "{\"passed\":false,\"details\":[{\"kind\":\"Stuck\",\"message\":\"x\"}]}".getBytes(StandardCharsets.UTF_8),
        "{\"cgroup\":\"cg0\",\"reports\":[]}".getBytes(StandardCharsets.UTF_8),
        "{\"passed\":".getBytes(StandardCharsets.UTF_8),
    };

    @Test
    void hostileRingStatesNeverBreakTheReader() {
        ringStates(Fuzz.cases(Fuzz.CI_CASES));
    }

    @Test
    void randomPayloadsThroughTheDecoder() {
        payloads(Fuzz.cases(Fuzz.CI_CASES));
    }

    static void ringStates(long rounds) {
        Random rnd = new Random(SEED);
        ArrayGuestMemory mem = new ArrayGuestMemory(BASE, REGION);
        TestRingWriter w = new TestRingWriter(mem, BASE);
        Map<String, Long> kinds = new TreeMap<>();
        long intact = 0;
        long decodedIntact = 0;
        for (long round = 0; round < rounds; round++) {
            java.util.Arrays.fill(mem.bytes(), (byte) 0);
            int capacity = 64 + rnd.nextInt(REGION - 40 - 64 + 1);
            ShmLayout.initHeader(mem, BASE, 40 + capacity);
            long start = rnd.nextInt(4) == 0 ? (rnd.nextLong() & 0x7fff_ffff_ffffL) : rnd.nextInt(1000);
            mem.writeU64(BASE + ShmLayout.OFF_WRITE_PTR, start);
            mem.writeU64(BASE + ShmLayout.OFF_READ_PTR, start);
            int frames = rnd.nextInt(6);
            int sent = 0;
            for (int f = 0; f < frames; f++) {
                int type = TYPES[rnd.nextInt(TYPES.length)];
                if (isJson(type) && rnd.nextInt(8) != 0) { // keep Jackson's share of the run time small
                    type = ShmLayout.MSG_EXIT;
                }
                byte[] p = payloadFor(type, rnd);
                if (w.send(type, p)) {
                    sent++;
                }
            }
            int mutation = rnd.nextInt(8);
            boolean clean = mutation >= 4;
            switch (mutation) {
                case 0 -> { // flip random bytes anywhere in the region (header included)
                    for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
                        mem.bytes()[rnd.nextInt(REGION)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> mem.writeU64(BASE + ShmLayout.OFF_WRITE_PTR, rnd.nextLong());
                case 2 -> mem.writeU64(BASE + ShmLayout.OFF_READ_PTR, rnd.nextLong());
                case 3 -> { // random garbage in the data area
                    byte[] junk = new byte[capacity];
                    rnd.nextBytes(junk);
                    mem.write(BASE + 40, junk, 0, junk.length);
                }
                default -> { }
            }
            RingReader r = new RingReader(mem, BASE, REGION, 64);
            List<GuestMessage> got = r.drain();
            if (got.size() > 64 + 4) {
                throw new AssertionError("round " + round + ": " + got.size() + " messages from one bounded drain");
            }
            for (GuestMessage m : got) {
                if (m == null) {
                    throw new AssertionError("round " + round + ": null message");
                }
                if (m instanceof ChannelError ce) {
                    kinds.merge(ce.kind(), 1L, Long::sum);
                }
            }
            if (clean) {
                intact += sent;
                decodedIntact += got.size();
                // Intact frames decode one-to-one (the 'AAAA' type and the invalid JSON sample as channel errors),
                // plus one ring_drops report when the writer had to drop.
                long drops = mem.readU64(BASE + ShmLayout.OFF_DROPS);
                if (got.size() != sent + (drops > 0 ? 1 : 0)) {
                    throw new AssertionError("round " + round + ": " + sent + " intact frames gave " + got);
                }
                decodedIntact -= drops > 0 ? 1 : 0;
            }
        }
        assertThat(decodedIntact).isEqualTo(intact);
        // every hostile class was actually exercised
        assertThat(kinds).containsKeys("bad_header", "bad_pointers", "bad_length", "crc_mismatch", "unknown_type",
                "bad_payload");
    }

    static void payloads(long rounds) {
        Random rnd = new Random(SEED + 1);
        long errors = 0;
        for (long i = 0; i < rounds; i++) {
            // JSON types are rarer here: Jackson's error path dominates the run time, and the ring test covers them
            int type = rnd.nextInt(16) == 0 ? rnd.nextInt() : TYPES[rnd.nextInt(TYPES.length)];
            if (isJson(type) && rnd.nextInt(8) != 0) {
                type = ShmLayout.MSG_STIMULUS;
            }
            byte[] p = rnd.nextBoolean() ? payloadFor(type, rnd) : new byte[rnd.nextInt(40)];
            if (rnd.nextInt(4) == 0 && p.length > 0) {
                p[rnd.nextInt(p.length)] = (byte) rnd.nextInt();
            } else if (rnd.nextInt(8) == 0) {
                rnd.nextBytes(p);
            }
            int crc = (int) TlvDecoder.crc32(p, 0, p.length) ^ (rnd.nextInt(10) == 0 ? 1 : 0);
            GuestMessage m = TlvDecoder.decode(type, p, crc);
            if (m == null) {
                throw new AssertionError("null decode of " + ShmLayout.tag(type));
            }
            if (m instanceof ChannelError) {
                errors++;
            }
        }
        assertThat(errors).isBetween(rounds / 20, rounds);
    }

    private static boolean isJson(int type) {
        return type == ShmLayout.MSG_TEST_RESULT || type == ShmLayout.MSG_WORKER_REPORTS
                || type == ShmLayout.MSG_PAYLOAD_METRICS;
    }

    private static byte[] payloadFor(int type, Random rnd) {
        return switch (type) {
            case ShmLayout.MSG_SCENARIO_START -> new byte[0];
            case ShmLayout.MSG_STIMULUS -> TestRingWriter.stimulus(rnd.nextInt(100000), rnd.nextInt(10), 1, 3, 2, 4,
                    rnd.nextInt(1 << 20));
            case ShmLayout.MSG_SCENARIO_END, ShmLayout.MSG_EXIT, ShmLayout.MSG_SCHED_EXIT ->
                    TestRingWriter.i32(rnd.nextInt());
            case ShmLayout.MSG_TEST_RESULT -> JSON_SAMPLES[rnd.nextInt(2)];
            case ShmLayout.MSG_WORKER_REPORTS -> JSON_SAMPLES[2];
            case ShmLayout.MSG_PAYLOAD_METRICS -> JSON_SAMPLES[3];
            case ShmLayout.MSG_CRASH, ShmLayout.MSG_INIT_STAGE -> ("stage-" + rnd.nextInt(100))
                    .getBytes(StandardCharsets.UTF_8);
            default -> new byte[rnd.nextInt(12)];
        };
    }
}
