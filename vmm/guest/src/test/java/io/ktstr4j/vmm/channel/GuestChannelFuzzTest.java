package io.ktstr4j.vmm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.schemas.fuzz.Fuzz;
import io.ktstr4j.vmm.ArrayGuestMemory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing the guest channel's two decoders (issue 16, part C), with the shared harness ({@link Fuzz}).
 * <ul>
 *   <li>The SHM ring, stateful: each case is a session of drains on one reader while the guest sends frames and, between
 *       drains, rewinds or moves {@code read_ptr}, moves {@code write_ptr}, bumps {@code drops}, damages frames or the
 *       header; the region holds a frame of {@link TlvDecoder#MAX_PAYLOAD}, and some sessions send one. Boundary:
 *       none ({@link RingReader#drain()} never throws); on valid memory it never reports {@code memory_unavailable};
 *       a clean step after a consistent ring decodes exactly what was sent (nothing lost, nothing read twice);
 *       each drain allocates at most 8 × the capacity + 1 MiB.</li>
 *   <li>COM2 ({@link Com2MessageDecoder}): random line sequences of intact, damaged and cut-short blocks, lines up to
 *       64 KiB, blocks up to the 4 MiB limit. Boundary: none; at most two messages per line; intact blocks decode
 *       exactly; a line allocates at most 32 × its length + 6 × the largest payload's hex.</li>
 * </ul>
 * {@link Fuzz#CI_CASES} cases each here; {@link GuestChannelFuzzFullTest} runs {@link Fuzz#FULL_CASES}.
 */
@Tag("slow")
class GuestChannelFuzzTest {

    static final long BASE = 0x1000;
    /** Room for the largest frame plus some. */
    static final int REGION = ShmLayout.HEADER_SIZE + ShmLayout.MSG_HEADER_SIZE + TlvDecoder.MAX_PAYLOAD + 4096;
    static final int[] TYPES = {ShmLayout.MSG_SCENARIO_START, ShmLayout.MSG_STIMULUS, ShmLayout.MSG_SCENARIO_END,
        ShmLayout.MSG_TEST_RESULT, ShmLayout.MSG_EXIT, ShmLayout.MSG_SCHED_EXIT, ShmLayout.MSG_CRASH,
        ShmLayout.MSG_PAYLOAD_METRICS, ShmLayout.MSG_WORKER_REPORTS, ShmLayout.MSG_INIT_STAGE, 0x41414141};
    static final byte[][] JSON = {
        "{\"passed\":true,\"skipped\":false,\"details\":[]}".getBytes(StandardCharsets.UTF_8),
        "{\"cgroup\":\"cg0\",\"reports\":[]}".getBytes(StandardCharsets.UTF_8),
        "{\"payload_index\":0,\"metrics\":[],\"exit_code\":0}".getBytes(StandardCharsets.UTF_8),
        "{\"passed\":".getBytes(StandardCharsets.UTF_8),
    };

    @Test
    void statefulRing() {
        ring(Fuzz.cases(Fuzz.CI_CASES));
    }

    @Test
    void com2Decoder() {
        com2(Fuzz.cases(Fuzz.CI_CASES));
    }

    // ---- the ring ----

    static Fuzz.Report ring(long cases) {
        ArrayGuestMemory mem = new ArrayGuestMemory(BASE, REGION);
        TestRingWriter w = new TestRingWriter(mem, BASE);
        Fuzz.Report r = Fuzz.run("shm-ring", cases, new Fuzz.Limits(Duration.ofSeconds(10), t -> false), ctx -> {
            Random rnd = ctx.rnd;
            boolean big = rnd.nextInt(1000) == 0;
            boolean nearWrap = !big && rnd.nextInt(4) == 0;
            // Across 2^64 the counters stay consistent with the ring only for a power-of-two capacity (as the agent's)
            long capacity = big ? REGION - ShmLayout.HEADER_SIZE : nearWrap ? 4096 : switch (rnd.nextInt(3)) {
                case 0 -> 64 + rnd.nextInt(256);
                case 1 -> 4096;
                default -> 64 + rnd.nextInt(64 << 10);
            };
            ShmLayout.initHeader(mem, BASE, ShmLayout.HEADER_SIZE + capacity);
            long start = nearWrap ? -1L - rnd.nextInt(4096) // about to wrap around 2^64
                    : rnd.nextBoolean() ? rnd.nextLong() & Long.MAX_VALUE : rnd.nextInt(1 << 20);
            mem.writeU64(BASE + ShmLayout.OFF_WRITE_PTR, start);
            mem.writeU64(BASE + ShmLayout.OFF_READ_PTR, start);
            RingReader reader = new RingReader(mem, BASE, REGION, 512);
            boolean consistent = true;
            for (int step = 1 + rnd.nextInt(16); step > 0; step--) {
                long drops0 = mem.readU64(BASE + ShmLayout.OFF_DROPS);
                List<GuestMessage> sent = new ArrayList<>();
                boolean bigStep = big && step == 1;
                // the guest writes with the capacity it set up (a header it damaged does not move its writes)
                boolean headerIntact = (mem.readU32(BASE + ShmLayout.OFF_CAPACITY) & 0xffffffffL) == capacity;
                for (int f = bigStep || !headerIntact ? 0 : rnd.nextInt(6); f > 0; f--) {
                    int type = TYPES[rnd.nextInt(TYPES.length)];
                    byte[] p = payload(type, rnd);
                    if (w.send(type, p)) {
                        sent.add(TlvDecoder.decode(type, p));
                    }
                }
                if (bigStep && headerIntact) { // one frame at (or just under) the payload limit
                    byte[] p = new byte[rnd.nextBoolean() ? TlvDecoder.MAX_PAYLOAD : rnd.nextInt(TlvDecoder.MAX_PAYLOAD)];
                    java.util.Arrays.fill(p, (byte) 'c');
                    if (w.send(ShmLayout.MSG_CRASH, p)) {
                        sent.add(TlvDecoder.decode(ShmLayout.MSG_CRASH, p));
                    }
                }
                boolean clean = rnd.nextInt(3) != 0;
                if (!clean) {
                    mutate(mem, capacity, rnd);
                }
                boolean dropped = mem.readU64(BASE + ShmLayout.OFF_DROPS) != drops0;
                List<GuestMessage> got = ctx.underTest(8 * capacity + (1 << 20), reader::drain);
                ctx.check(got.size() <= 512 + 4, got.size() + " messages from a drain bounded at 512");
                for (GuestMessage m : got) {
                    ctx.check(!(m instanceof ChannelError ce && ce.kind().equals("memory_unavailable")),
                            "memory_unavailable on valid memory: " + m);
                }
                if (clean && consistent) {
                    List<GuestMessage> decoded = got.stream().filter(m -> !(dropped && m instanceof ChannelError ce
                            && ce.kind().equals("ring_drops"))).toList();
                    ctx.check(same(sent, decoded), "a clean step sent " + sent + " but the host decoded " + got);
                }
                long wp = mem.readU64(BASE + ShmLayout.OFF_WRITE_PTR);
                long rp = mem.readU64(BASE + ShmLayout.OFF_READ_PTR);
                int magic = mem.readU32(BASE + ShmLayout.OFF_MAGIC);
                consistent = wp == rp && magic == ShmLayout.MAGIC
                        && mem.readU32(BASE + ShmLayout.OFF_VERSION) == ShmLayout.VERSION
                        && (mem.readU32(BASE + ShmLayout.OFF_CAPACITY) & 0xffffffffL) == capacity;
            }
        });
        assertThat(r.cases()).isPositive();
        return r;
    }

    /** The guest misbehaves between two drains. */
    private static void mutate(ArrayGuestMemory mem, long capacity, Random rnd) {
        long wp = mem.readU64(BASE + ShmLayout.OFF_WRITE_PTR);
        long rp = mem.readU64(BASE + ShmLayout.OFF_READ_PTR);
        switch (rnd.nextInt(9)) {
            case 0 -> mem.writeU64(BASE + ShmLayout.OFF_READ_PTR, rp - rnd.nextInt((int) Math.min(capacity, 1 << 16) + 1));
            case 1 -> mem.writeU64(BASE + ShmLayout.OFF_READ_PTR, rnd.nextLong());
            case 2 -> mem.writeU64(BASE + ShmLayout.OFF_READ_PTR, rp + rnd.nextInt(64));
            case 3 -> mem.writeU64(BASE + ShmLayout.OFF_WRITE_PTR, rnd.nextBoolean() ? rnd.nextLong()
                    : wp + rnd.nextInt((int) Math.min(capacity, 1 << 16)));
            case 4 -> mem.writeU64(BASE + ShmLayout.OFF_WRITE_PTR, wp - rnd.nextInt(64));
            case 5 -> mem.writeU64(BASE + ShmLayout.OFF_DROPS, rnd.nextBoolean() ? rnd.nextLong()
                    : mem.readU64(BASE + ShmLayout.OFF_DROPS) + 1);
            case 6 -> { // damage unread bytes (frame headers and payloads)
                for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
                    long pos = Long.remainderUnsigned(rp + rnd.nextInt((int) Math.min(capacity, 4096)), capacity);
                    int at = (int) (ShmLayout.HEADER_SIZE + pos);
                    mem.bytes()[at] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 7 -> mem.bytes()[rnd.nextInt(ShmLayout.HEADER_SIZE)] ^= (byte) (1 << rnd.nextInt(8));
            default -> { // a frame that claims more than the limit
                byte[] h = new byte[ShmLayout.MSG_HEADER_SIZE];
                ShmLayout.putU32(h, 0, ShmLayout.MSG_CRASH);
                ShmLayout.putU32(h, 4, TlvDecoder.MAX_PAYLOAD + 1 + rnd.nextInt(1000));
                long pos = Long.remainderUnsigned(wp, capacity);
                if (pos + h.length <= capacity && capacity - (wp - rp) >= h.length) {
                    mem.write(BASE + ShmLayout.HEADER_SIZE + pos, h, 0, h.length);
                    mem.writeU64(BASE + ShmLayout.OFF_WRITE_PTR, wp + h.length);
                }
            }
        }
    }

    /** Equal, except channel errors match by kind (the reader numbers them). */
    static boolean same(List<GuestMessage> want, List<GuestMessage> got) {
        if (want.size() != got.size()) {
            return false;
        }
        for (int i = 0; i < want.size(); i++) {
            GuestMessage a = want.get(i);
            GuestMessage b = got.get(i);
            if (a instanceof ChannelError ca) {
                if (!(b instanceof ChannelError cb) || !ca.kind().equals(cb.kind())) {
                    return false;
                }
            } else if (!a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    static byte[] payload(int type, Random rnd) {
        boolean json = type == ShmLayout.MSG_TEST_RESULT || type == ShmLayout.MSG_WORKER_REPORTS
                || type == ShmLayout.MSG_PAYLOAD_METRICS;
        if (json) {
            return rnd.nextInt(4) == 0 ? JSON[3] : JSON[type == ShmLayout.MSG_TEST_RESULT ? 0
                    : type == ShmLayout.MSG_WORKER_REPORTS ? 1 : 2];
        }
        return switch (type) {
            case ShmLayout.MSG_SCENARIO_START -> new byte[0];
            case ShmLayout.MSG_STIMULUS -> TestRingWriter.stimulus(rnd.nextInt(100000), rnd.nextInt(10), 1, 3, 2, 4,
                    rnd.nextInt(1 << 20));
            case ShmLayout.MSG_SCENARIO_END, ShmLayout.MSG_EXIT, ShmLayout.MSG_SCHED_EXIT ->
                    TestRingWriter.i32(rnd.nextInt());
            case ShmLayout.MSG_CRASH, ShmLayout.MSG_INIT_STAGE -> ("stage-" + rnd.nextInt(100)
                    + "x".repeat(rnd.nextInt(8) == 0 ? rnd.nextInt(3000) : 0)).getBytes(StandardCharsets.UTF_8);
            default -> new byte[rnd.nextInt(40)];
        };
    }

    // ---- COM2 ----

    static Fuzz.Report com2(long cases) {
        HexFormat hex = HexFormat.of();
        long maxHex = 2L * TlvDecoder.MAX_PAYLOAD;
        Fuzz.Report r = Fuzz.run("com2", cases, new Fuzz.Limits(Duration.ofSeconds(10), t -> false), ctx -> {
            Random rnd = ctx.rnd;
            Com2MessageDecoder d = new Com2MessageDecoder();
            for (int b = 1 + rnd.nextInt(4); b > 0; b--) {
                int type = TYPES[rnd.nextInt(TYPES.length)];
                boolean large = rnd.nextInt(5000) == 0;
                byte[] p = large ? new byte[rnd.nextBoolean() ? TlvDecoder.MAX_PAYLOAD
                        : rnd.nextInt(TlvDecoder.MAX_PAYLOAD)] : payload(type, rnd);
                int crc = (int) TlvDecoder.crc32(p, 0, p.length);
                String h = hex.formatHex(p);
                List<String> lines = new ArrayList<>();
                int damage = rnd.nextInt(10);
                long declared = damage == 0 ? p.length + rnd.nextInt(3) - 1 : damage == 1
                        ? TlvDecoder.MAX_PAYLOAD + 1L + rnd.nextInt(100) : p.length;
                lines.add(damage == 2 ? "===KTSTR4J_MSG_START " + garbage(rnd) + "==="
                        : String.format("===KTSTR4J_MSG_START %08x %d %08x===", type, declared,
                        damage == 3 ? crc ^ 1 : crc));
                int chunk = large || rnd.nextBoolean() ? 64 * 1024 : 1 + rnd.nextInt(200);
                for (int i = 0; i < h.length(); i += chunk) {
                    lines.add(h.substring(i, Math.min(h.length(), i + chunk)));
                }
                if (damage == 4 && lines.size() > 1) {
                    lines.set(1, "zz" + lines.get(1));
                } else if (damage == 5) {
                    lines.add(garbage(rnd));
                } else if (damage == 6 && lines.size() > 1) {
                    lines.remove(lines.size() - 1);
                }
                if (damage != 7) {
                    lines.add(Com2MessageDecoder.END);
                }
                boolean intact = damage >= 8;
                GuestMessage want = intact ? TlvDecoder.decode(type, p, crc) : null;
                List<GuestMessage> all = new ArrayList<>();
                for (String line : lines) {
                    Com2MessageDecoder.Result res = ctx.underTest(32L * line.length() + 3 * 2 * maxHex,
                            () -> d.accept(line));
                    ctx.check(res.messages().size() <= 2, "at most two messages per line: " + res);
                    all.addAll(res.messages());
                }
                if (want != null) { // after what an earlier block left open is reported (truncated)
                    ctx.check(!all.isEmpty() && same(List.of(want), all.subList(all.size() - 1, all.size()))
                            && all.subList(0, all.size() - 1).stream().allMatch(m -> m instanceof ChannelError ce
                            && ce.kind().equals("truncated")), "an intact block gave " + all + " instead of " + want);
                }
                if (rnd.nextInt(4) == 0) {
                    String noise = garbage(rnd);
                    // Inside an open block, noise is payload to the decoder: its buffer may grow (a StringBuilder doubles)
                    // up to the documented 2 × MAX_PAYLOAD hex digits, as for any hex line (full-tier case 472555 of
                    // seed 30245861731742826 grew it to 7.3 MB on a 21-character line).
                    ctx.underTest(32L * noise.length() + 3 * 2 * maxHex, () -> d.accept(noise));
                }
            }
            ctx.underTest(1 << 20, d::close);
        });
        assertThat(r.cases()).isPositive();
        return r;
    }

    private static String garbage(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> "zz 99999999999 x";
            case 1 -> "===KTSTR4J_MSG_END===";
            case 2 -> "a".repeat(rnd.nextInt(64 * 1024));
            case 3 -> "===KTSTR4J_MSG_START 41414141 " + rnd.nextInt() + " 00000000===";
            default -> Long.toHexString(rnd.nextLong());
        };
    }
}
