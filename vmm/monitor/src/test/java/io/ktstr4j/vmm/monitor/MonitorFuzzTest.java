package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.fuzz.Fuzz;
import io.ktstr4j.vmm.ArrayGuestMemory;
import io.ktstr4j.vmm.GuestMemoryException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing what the monitor reads from a guest (issue 16, part C): BTF blobs (parse, lookups, rendering), the page
 * walk and address-space reads over random page tables, and the xarray walk, BPF map reader and run-queue reader over
 * a synthetic guest whose memory is randomly damaged case by case. Boundaries (what each may throw):
 * <ul>
 *   <li>{@link Btf}: {@link IllegalArgumentException} (malformed), {@link NoSuchElementException} (a name lookup);</li>
 *   <li>{@link BtfValueRenderer}: the same, and {@link ReadBudget.Exceeded};</li>
 *   <li>page walk, {@link GuestAddressSpace} reads, {@link XarrayWalker}, {@link MonitorSampler#readNow()}:
 *       {@link GuestMemoryException} ({@link GuestAddressException} is one);</li>
 *   <li>{@link BpfMapReader#readAll}: the same (the xarray walk); a bad map is counted, never thrown; the readers of
 *       a kernel also {@link KernelNotReadyException} when they re-attach to a damaged kernel image.</li>
 * </ul>
 * {@link Fuzz#CI_CASES} cases each here; {@link MonitorFuzzFullTest} runs {@link Fuzz#FULL_CASES}.
 */
@Tag("slow")
class MonitorFuzzTest {

    static final Predicate<Throwable> BTF_BOUNDARY =
            t -> t instanceof IllegalArgumentException || t instanceof NoSuchElementException;
    static final Predicate<Throwable> RENDER_BOUNDARY = BTF_BOUNDARY.or(t -> t instanceof ReadBudget.Exceeded);
    static final Predicate<Throwable> MEMORY_BOUNDARY = t -> t instanceof GuestMemoryException;
    /** Readers that (re)attach to the kernel first may also find it gone. */
    static final Predicate<Throwable> READER_BOUNDARY = MEMORY_BOUNDARY.or(t -> t instanceof KernelNotReadyException);

    @Test
    void btfParseAndRender() {
        btf(Fuzz.cases(Fuzz.CI_CASES));
    }

    @Test
    void pageWalkAndAddressSpaceReads() {
        pageWalk(Fuzz.cases(Fuzz.CI_CASES));
    }

    @Test
    void xarrayBpfMapsAndRunQueuesOverDamagedGuestMemory() {
        guestReaders(Fuzz.cases(Fuzz.CI_CASES));
    }

    // ---- BTF ----

    static Fuzz.Report btf(long cases) {
        Fuzz.Report r = Fuzz.run("btf", cases, new Fuzz.Limits(Duration.ofSeconds(5), RENDER_BOUNDARY), ctx -> {
            byte[] blob = randomBtf(ctx.rnd);
            Btf b = ctx.underTest(64L * blob.length + (1 << 20), () -> Btf.parse(ByteBuffer.wrap(blob)));
            if (b == null) {
                return;
            }
            for (int i = 0; i < 6; i++) {
                int id = ctx.rnd.nextInt(b.typeCount() + 2) - 1;
                ctx.underTest(1 << 20, () -> poke(b, id, ctx.rnd));
            }
            byte[] data = new byte[ctx.rnd.nextInt(600)];
            ctx.rnd.nextBytes(data);
            int id = ctx.rnd.nextInt(b.typeCount());
            BtfValueRenderer renderer = new BtfValueRenderer(b, ReadBudget.untimed());
            // the renderer's bound: its budget (32 MiB charged, 200 000 values) and what those values cost as objects
            ctx.underTest(200L << 20, () -> b.kind(id) == Btf.KIND_DATASEC ? renderer.datasec(id, data)
                    : renderer.value(id, data, ctx.rnd.nextInt(8), 0));
        });
        assertThat(r.refusals()).containsKey("IllegalArgumentException");
        return r;
    }

    /** Every lookup a reader makes on a type id. */
    private static Object poke(Btf b, int id, Random rnd) {
        int k = b.kind(id);
        b.name(id);
        b.resolve(id);
        b.typeName(id);
        if (k != Btf.KIND_FUNC && k != Btf.KIND_FUNC_PROTO && k != Btf.KIND_FWD && k != Btf.KIND_DECL_TAG) {
            b.sizeOf(id);
        }
        switch (k) {
            case Btf.KIND_STRUCT, Btf.KIND_UNION -> {
                List<Btf.Member> ms = b.members(id);
                if (!ms.isEmpty()) {
                    Btf.Member m = ms.get(rnd.nextInt(ms.size()));
                    b.tryFieldIn(id, m.name().isEmpty() ? "x" : m.name());
                }
            }
            case Btf.KIND_ARRAY -> b.array(id);
            case Btf.KIND_INT -> b.intEncoding(id);
            case Btf.KIND_DATASEC -> b.datasecVars(id);
            case Btf.KIND_ENUM, Btf.KIND_ENUM64 -> b.enumValues(b.name(id));
            default -> { }
        }
        b.hasType("n" + rnd.nextInt(8));
        b.tryField("n" + rnd.nextInt(8) + ".n" + rnd.nextInt(8));
        return b.enumerator("n" + rnd.nextInt(8));
    }

    /** A BTF blob with random (but mostly well-framed) types, names and references, sometimes damaged. */
    static byte[] randomBtf(Random rnd) {
        ByteBuffer strings = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        strings.put((byte) 0);
        List<Integer> names = new ArrayList<>(List.of(0));
        for (int i = 0; i < 8; i++) {
            names.add(strings.position());
            strings.put(("n" + i).getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        }
        if (rnd.nextInt(8) == 0) { // a last name without its NUL
            names.add(strings.position());
            strings.put("tail".getBytes(StandardCharsets.US_ASCII));
        }
        int count = 1 + rnd.nextInt(24);
        ByteBuffer types = ByteBuffer.allocate(count * (12 + 12 * 8) + 64).order(ByteOrder.LITTLE_ENDIAN);
        int[] kinds = {Btf.KIND_INT, Btf.KIND_PTR, Btf.KIND_ARRAY, Btf.KIND_STRUCT, Btf.KIND_UNION, Btf.KIND_ENUM,
            Btf.KIND_TYPEDEF, Btf.KIND_CONST, Btf.KIND_VAR, Btf.KIND_DATASEC, Btf.KIND_ENUM64, Btf.KIND_FWD,
            Btf.KIND_FUNC, Btf.KIND_FUNC_PROTO, Btf.KIND_FLOAT, Btf.KIND_DECL_TAG, Btf.KIND_TYPE_TAG,
            Btf.KIND_VOLATILE, Btf.KIND_RESTRICT};
        for (int i = 1; i <= count && types.remaining() >= 64; i++) {
            int kind = rnd.nextInt(50) == 0 ? rnd.nextInt(32) : kinds[rnd.nextInt(kinds.length)];
            int vlen = rnd.nextInt(20) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(6);
            boolean kf = rnd.nextInt(4) == 0;
            int name = name(rnd, names);
            int sizeOrType = switch (kind) {
                case Btf.KIND_INT, Btf.KIND_STRUCT, Btf.KIND_UNION, Btf.KIND_ENUM, Btf.KIND_ENUM64, Btf.KIND_FLOAT,
                        Btf.KIND_DATASEC -> size(rnd);
                default -> ref(rnd, count);
            };
            int extraUnits = switch (kind) {
                case Btf.KIND_INT, Btf.KIND_VAR, Btf.KIND_DECL_TAG -> 1;
                case Btf.KIND_ARRAY -> 3;
                case Btf.KIND_STRUCT, Btf.KIND_UNION, Btf.KIND_DATASEC, Btf.KIND_ENUM64 -> 3 * vlen;
                case Btf.KIND_ENUM, Btf.KIND_FUNC_PROTO -> 2 * vlen;
                default -> 0;
            };
            if (12 + 4L * extraUnits > types.remaining() - 64) { // keep room for the rest at their smallest
                vlen = 0;
                extraUnits = kind == Btf.KIND_ARRAY ? 3 : (kind == Btf.KIND_INT || kind == Btf.KIND_VAR
                        || kind == Btf.KIND_DECL_TAG) ? 1 : 0;
            }
            types.putInt(name).putInt((kf ? 1 << 31 : 0) | (kind & 0x1f) << 24 | vlen).putInt(sizeOrType);
            switch (kind) {
                case Btf.KIND_INT -> types.putInt((rnd.nextInt(8) << 24) | (rnd.nextInt(4) == 0 ? rnd.nextInt()
                        & 0xff00ff : rnd.nextInt(65)));
                case Btf.KIND_ARRAY -> types.putInt(ref(rnd, count)).putInt(ref(rnd, count))
                        .putInt(rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(300));
                case Btf.KIND_STRUCT, Btf.KIND_UNION -> {
                    for (int m = 0; m < vlen; m++) {
                        int bits = rnd.nextInt(4) == 0 ? rnd.nextInt(70) : 0;
                        int off = rnd.nextInt(4) == 0 ? rnd.nextInt() : 8 * rnd.nextInt(64);
                        types.putInt(name(rnd, names)).putInt(ref(rnd, count)).putInt(kf ? bits << 24 | (off & 0xffffff)
                                : off);
                    }
                }
                case Btf.KIND_DATASEC -> {
                    for (int m = 0; m < vlen; m++) {
                        types.putInt(ref(rnd, count)).putInt(rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(512))
                                .putInt(size(rnd));
                    }
                }
                case Btf.KIND_ENUM64 -> {
                    for (int m = 0; m < vlen; m++) {
                        types.putInt(name(rnd, names)).putInt(rnd.nextInt()).putInt(rnd.nextInt());
                    }
                }
                case Btf.KIND_ENUM, Btf.KIND_FUNC_PROTO -> {
                    for (int m = 0; m < vlen; m++) {
                        types.putInt(name(rnd, names)).putInt(kind == Btf.KIND_ENUM ? rnd.nextInt() : ref(rnd, count));
                    }
                }
                case Btf.KIND_VAR, Btf.KIND_DECL_TAG -> types.putInt(rnd.nextInt(3));
                default -> { }
            }
        }
        int tLen = types.position();
        int sLen = strings.position();
        ByteBuffer b = ByteBuffer.allocate(24 + tLen + sLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(tLen).putInt(tLen)
                .putInt(sLen).put(types.array(), 0, tLen).put(strings.array(), 0, sLen);
        byte[] out = b.array();
        switch (rnd.nextInt(10)) {
            case 0 -> { // flip bytes anywhere, header included
                for (int i = 1 + rnd.nextInt(6); i > 0; i--) {
                    out[rnd.nextInt(out.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> { // a random header field
                ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(4 + 4 * rnd.nextInt(5), rnd.nextInt());
            }
            case 2 -> { // cut short
                return java.util.Arrays.copyOf(out, rnd.nextInt(out.length + 1));
            }
            default -> { }
        }
        return out;
    }

    private static int name(Random rnd, List<Integer> names) {
        return rnd.nextInt(20) == 0 ? rnd.nextInt() : names.get(rnd.nextInt(names.size()));
    }

    private static int ref(Random rnd, int count) {
        return rnd.nextInt(20) == 0 ? rnd.nextInt() : rnd.nextInt(count + 2);
    }

    private static int size(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 1;
            case 1 -> 4;
            case 2 -> 8;
            case 3 -> rnd.nextInt(600);
            case 4 -> rnd.nextInt();
            default -> 2;
        };
    }

    // ---- page walk and address-space reads ----

    static Fuzz.Report pageWalk(long cases) {
        int pages = 64;
        ArrayGuestMemory mem = new ArrayGuestMemory(pages * 4096);
        Fuzz.Report r = Fuzz.run("page-walk", cases, new Fuzz.Limits(Duration.ofSeconds(5), MEMORY_BOUNDARY), ctx -> {
            Random rnd = ctx.rnd;
            for (int i = rnd.nextInt(64); i > 0; i--) { // damage page-table entries, mostly plausible ones
                long slot = 8L * rnd.nextInt(pages * 512);
                long e = switch (rnd.nextInt(4)) {
                    case 0 -> rnd.nextLong();
                    case 1 -> 0;
                    default -> (long) rnd.nextInt(pages + 2) << 12 | (rnd.nextInt(3) == 0 ? 0x81 : 0x1)
                            | (rnd.nextInt(16) == 0 ? (long) rnd.nextInt(1 << 20) << 32 : 0);
                };
                mem.writeU64(slot, e);
            }
            boolean five = rnd.nextBoolean();
            long pgd = rnd.nextInt(8) == 0 ? rnd.nextLong() : 4096L * rnd.nextInt(pages);
            long va = switch (rnd.nextInt(3)) {
                case 0 -> rnd.nextLong();
                case 1 -> (rnd.nextLong() >> 16) & ~0xfffL | rnd.nextInt(4096);
                default -> 0xffffc90000000000L + rnd.nextInt(1 << 30);
            };
            Long p = ctx.underTest(16 << 10, () -> GuestAddressSpace.walk(mem, pgd, va, five));
            ctx.check(p == null || p >= 0, "a walk ends at a physical address (52 bits)");
            GuestAddressSpace as = new GuestAddressSpace(mem, rnd.nextInt(4) * 0x200000L,
                    GuestAddressSpace.PAGE_OFFSET_L4, GuestAddressSpace.START_KERNEL_MAP + (1 << 24), five, pgd, 0,
                    0);
            int len = rnd.nextInt(4) == 0 ? rnd.nextInt(64 << 10) : rnd.nextInt(64);
            byte[] dst = new byte[len];
            long at = rnd.nextBoolean() ? va : GuestAddressSpace.PAGE_OFFSET_L4 + rnd.nextInt(pages * 4096 + 8192);
            ctx.underTest(16 << 10, () -> {
                as.read(at, dst, 0, len);
                return null;
            });
            ctx.underTest(16 << 10, () -> as.cString(at, 1 + rnd.nextInt(64)));
        });
        assertThat(r.refusals()).containsKey("GuestAddressException");
        return r;
    }

    // ---- xarray, BPF maps, run queues over a damaged synthetic guest ----

    static Fuzz.Report guestReaders(long cases) {
        Btf kbtf = Btf.load(KernelFiles.require("vmlinux.btf"));
        SyntheticGuest g = new SyntheticGuest(kbtf, 4);
        for (int c = 0; c < 4; c++) {
            g.addDomains(c, 1 + c % 4);
        }
        g.setScx("SCX_OPS_ENABLED", "fuzz");
        BtfBuilder pb = new BtfBuilder();
        int u64 = pb.intType("unsigned long long", 8, false);
        int charT = pb.intType("char", 1, true);
        int arr = pb.array(charT, u64, 8);
        int v1 = pb.var("counter", u64);
        int v2 = pb.var("tag", arr);
        int bss = pb.datasec(".bss", 16, v1, 0, 8, v2, 8, 8);
        byte[] progBtf = pb.bytes();
        long m1 = g.addArrayMap("fuzz.bss", BpfMapReader.BPF_MAP_TYPE_ARRAY, 16, List.of(new byte[16]), progBtf, bss);
        long m2 = g.addArrayMap("pcpu", BpfMapReader.BPF_MAP_TYPE_PERCPU_ARRAY, 8, List.of(new byte[8], new byte[8]),
                null, 0);
        long m3 = g.addArrayMap("raw", BpfMapReader.BPF_MAP_TYPE_ARRAY, 4, List.of(new byte[4], new byte[4]), null, 0);
        ArrayGuestMemory mem = g.memory();
        long node = g.mapIdrNode();
        long[] hot = {m1, m2, m3, node, g.rqPhys(0), g.rqPhys(3), g.domainPhys(1, 0), g.domainPhys(3, 2),
            SyntheticGuest.text(SyntheticGuest.PER_CPU_OFFSET), SyntheticGuest.text(SyntheticGuest.MAP_IDR)};
        GuestKernel kernel = new GuestKernel(mem, g.symbols(), kbtf, null);
        kernel.space();
        MonitorErrors errors = new MonitorErrors();
        MonitorSampler sampler = new MonitorSampler(kernel, 4, MonitorSampler.Options.defaults(), null, null, () -> 0);
        XarrayWalker xa = new XarrayWalker(kbtf);
        BpfMapReader maps = new BpfMapReader(kernel, errors, 4);
        long mapIdr = g.symbols().require("map_idr");
        Fuzz.Report r = Fuzz.run("guest-readers", cases, new Fuzz.Limits(Duration.ofSeconds(5), READER_BOUNDARY),
                ctx -> {
                    Random rnd = ctx.rnd;
                    int n = 1 + rnd.nextInt(8);
                    long[] at = new long[n];
                    byte[][] old = new byte[n][];
                    for (int i = 0; i < n; i++) { // damage: pointers into RAM, small numbers, garbage
                        long base = rnd.nextInt(4) == 0 ? rnd.nextInt((int) mem.size() - 64) : hot[rnd.nextInt(hot.length)];
                        at[i] = Math.min(mem.size() - 8, base + 8L * rnd.nextInt(rnd.nextBoolean() ? 8 : 128));
                        old[i] = new byte[8];
                        mem.read(at[i], old[i], 0, 8);
                        long v = switch (rnd.nextInt(5)) {
                            case 0 -> rnd.nextLong();
                            case 1 -> rnd.nextInt(1 << 20);
                            case 2 -> SyntheticGuest.directMap(hot[rnd.nextInt(hot.length)] + 8L * rnd.nextInt(64))
                                    | (rnd.nextBoolean() ? 2 : 0);
                            case 3 -> SyntheticGuest.directMap(rnd.nextInt((int) mem.size()));
                            default -> -1L;
                        };
                        mem.writeU64(at[i], v);
                    }
                    try {
                        List<Long> entries = ctx.underTest(8 << 20, () -> xa.entries(kernel.space(), mapIdr, errors));
                        if (entries != null) {
                            ctx.check(entries.size() <= XarrayWalker.MAX_ENTRIES, "xarray entries bounded");
                        }
                        ctx.underTest(160L << 20, () -> maps.readAll(name -> true, ReadBudget.untimed()));
                        ctx.underTest(4 << 20, sampler::readNow);
                    } finally {
                        for (int i = n - 1; i >= 0; i--) {
                            mem.write(at[i], old[i], 0, 8);
                        }
                    }
                });
        assertThat(r.refusals()).as("some damage made a read fail").isNotEmpty();
        return r;
    }
}
