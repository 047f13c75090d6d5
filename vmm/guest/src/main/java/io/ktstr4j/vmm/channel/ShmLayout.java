package io.ktstr4j.vmm.channel;

import io.ktstr4j.vmm.GuestMemory;
import java.nio.charset.StandardCharsets;

/**
 * The guest→host SHM ring, ktstr's layout (ktstr-features.md §4.2): a 40-byte header
 * {@code magic u32, version u32, capacity u32, control u32, write_ptr u64, read_ptr u64, drops u64} followed by
 * {@code capacity} data bytes. Pointers are monotonic byte counts (position = ptr % capacity). Each message is a
 * 16-byte header {@code type u32, length u32, crc32(payload) u32, pad u32} then the payload, wrapping at the end of
 * the data area. All values little-endian.
 */
public final class ShmLayout {
    private ShmLayout() {}

    public static final int MAGIC = 0x53544D52; // "STMR"
    public static final int VERSION = 1;
    public static final int HEADER_SIZE = 40;
    public static final int MSG_HEADER_SIZE = 16;
    /** ktstr's MAX_SHM_CAPACITY. */
    public static final long MAX_CAPACITY = 1L << 30;

    public static final int OFF_MAGIC = 0;
    public static final int OFF_VERSION = 4;
    public static final int OFF_CAPACITY = 8;
    public static final int OFF_CONTROL = 12;
    /** Host→guest control bytes inside {@code control}. */
    public static final int OFF_CTRL_DUMP = 12;
    public static final int OFF_CTRL_STALL = 13;
    public static final int OFF_CTRL_SIGNAL0 = 14;
    public static final int OFF_CTRL_SIGNAL1 = 15;
    public static final int OFF_WRITE_PTR = 16;
    public static final int OFF_READ_PTR = 24;
    public static final int OFF_DROPS = 32;

    /** Control byte values. */
    public static final byte DUMP_REQUEST = 'D';
    public static final byte STOP_REQUEST = (byte) 0xDD;

    /** Message types (the ASCII tag read as a big-endian u32). */
    public static final int MSG_SCENARIO_START = 0x53435354; // SCST
    public static final int MSG_STIMULUS = 0x5354494D;       // STIM
    public static final int MSG_SCENARIO_END = 0x5343454E;   // SCEN
    public static final int MSG_TEST_RESULT = 0x54455354;    // TEST
    public static final int MSG_EXIT = 0x45584954;           // EXIT
    public static final int MSG_SCHED_EXIT = 0x53434458;     // SCDX
    public static final int MSG_CRASH = 0x43525348;          // CRSH
    public static final int MSG_PAYLOAD_METRICS = 0x504D4554; // PMET
    public static final int MSG_RAW_PAYLOAD_OUTPUT = 0x5241574F; // RAWO (ktstr; not decoded here)
    public static final int MSG_WORKER_REPORTS = 0x57524550; // WREP
    public static final int MSG_INIT_STAGE = 0x53544147;     // STAG

    public static final int STIMULUS_PAYLOAD_SIZE = 24;

    /** The four-letter tag of a message type, or its hex value when it is not printable. */
    public static String tag(int type) {
        byte[] b = {(byte) (type >>> 24), (byte) (type >>> 16), (byte) (type >>> 8), (byte) type};
        for (byte c : b) {
            if (c < 0x20 || c > 0x7e) {
                return String.format("0x%08x", type);
            }
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    /**
     * Writes an empty ring header at {@code base} (what the VMM does before the guest boots). The capacity is
     * {@code size - HEADER_SIZE}, capped at {@link #MAX_CAPACITY}.
     */
    public static void initHeader(GuestMemory mem, long base, long size) {
        if (size <= HEADER_SIZE + MSG_HEADER_SIZE) {
            throw new IllegalArgumentException("shm ring of " + size + " bytes is too small (need more than "
                    + (HEADER_SIZE + MSG_HEADER_SIZE) + ")");
        }
        long capacity = Math.min(size - HEADER_SIZE, MAX_CAPACITY);
        byte[] h = new byte[HEADER_SIZE];
        putU32(h, OFF_MAGIC, MAGIC);
        putU32(h, OFF_VERSION, VERSION);
        putU32(h, OFF_CAPACITY, (int) capacity);
        mem.write(base, h, 0, h.length);
    }

    static void putU32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static int getU32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    static long getU64(byte[] b, int off) {
        return (getU32(b, off) & 0xffffffffL) | ((long) getU32(b, off + 4)) << 32;
    }
}
