package io.ktstr4j.vmm.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The boot GDT (null, 64-bit code, data, TSS) and the segment descriptors KVM_SET_SREGS needs for each entry. */
public final class Gdt {
    public static final long[] ENTRIES = {
        0,
        entry(0xa09b, 0, 0xfffff), // code: 64-bit, present, execute/read, accessed, 4 KiB granularity
        entry(0xc093, 0, 0xfffff), // data: 32-bit default, present, read/write, accessed
        entry(0x808b, 0, 0xfffff), // TSS: present, busy 64-bit TSS
    };
    public static final int CODE = 1;
    public static final int DATA = 2;
    public static final int TSS = 3;

    /** A decoded descriptor, laid out as the fields of struct kvm_segment. */
    public record Segment(long base, int limit, int selector, int type, int present, int dpl, int db, int s, int l, int g,
            int avl) {}

    private Gdt() {}

    /** Packs flags (access byte in bits 0-7, flags nibble in bits 12-15), base and a 20-bit limit. */
    public static long entry(int flags, long base, long limit) {
        return ((base & 0xff00_0000L) << (56 - 24)) | (((long) flags & 0xf0ffL) << 40) | ((limit & 0x000f_0000L) << (48 - 16))
                | ((base & 0x00ff_ffffL) << 16) | (limit & 0xffffL);
    }

    public static Segment segment(int index) {
        long e = ENTRIES[index];
        long base = ((e >>> 16) & 0xffffff) | (((e >>> 56) & 0xff) << 24);
        long rawLimit = (e & 0xffff) | (((e >>> 48) & 0xf) << 16);
        int g = (int) ((e >>> 55) & 1);
        // KVM wants the byte-granular limit
        int limit = (int) (g == 1 ? (rawLimit << 12) | 0xfff : rawLimit);
        return new Segment(base, limit, index * 8, (int) ((e >>> 40) & 0xf), (int) ((e >>> 47) & 1), (int) ((e >>> 45) & 3),
                (int) ((e >>> 54) & 1), (int) ((e >>> 44) & 1), (int) ((e >>> 53) & 1), g, (int) ((e >>> 52) & 1));
    }

    public static byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(ENTRIES.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long e : ENTRIES) {
            b.putLong(e);
        }
        return b.array();
    }
}
