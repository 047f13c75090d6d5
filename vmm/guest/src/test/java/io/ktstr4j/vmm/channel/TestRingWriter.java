package io.ktstr4j.vmm.channel;

import io.ktstr4j.vmm.GuestMemory;

/** A guest-side ring producer in Java with the agent's rules (drop and count when full), for tests. */
final class TestRingWriter {
    private final GuestMemory mem;
    private final long base;

    TestRingWriter(GuestMemory mem, long base) {
        this.mem = mem;
        this.base = base;
    }

    /** Returns false when the message was dropped (ring full). */
    boolean send(int type, byte[] payload) {
        return sendRaw(type, payload.length, (int) TlvDecoder.crc32(payload, 0, payload.length), payload);
    }

    boolean sendRaw(int type, int declaredLength, int crc, byte[] payload) {
        long cap = mem.readU32(base + ShmLayout.OFF_CAPACITY) & 0xffffffffL;
        long w = mem.readU64(base + ShmLayout.OFF_WRITE_PTR);
        long r = mem.readU64(base + ShmLayout.OFF_READ_PTR);
        long need = ShmLayout.MSG_HEADER_SIZE + payload.length;
        if (cap - (w - r) < need) {
            mem.writeU64(base + ShmLayout.OFF_DROPS, mem.readU64(base + ShmLayout.OFF_DROPS) + 1);
            return false;
        }
        byte[] msg = new byte[(int) need];
        ShmLayout.putU32(msg, 0, type);
        ShmLayout.putU32(msg, 4, declaredLength);
        ShmLayout.putU32(msg, 8, crc);
        System.arraycopy(payload, 0, msg, ShmLayout.MSG_HEADER_SIZE, payload.length);
        int pos = (int) Long.remainderUnsigned(w, cap); // two copies with wrap, like the agent
        int first = (int) Math.min(msg.length, cap - pos);
        mem.write(base + ShmLayout.HEADER_SIZE + pos, msg, 0, first);
        if (first < msg.length) {
            mem.write(base + ShmLayout.HEADER_SIZE, msg, first, msg.length - first);
        }
        mem.writeU64(base + ShmLayout.OFF_WRITE_PTR, w + need);
        return true;
    }

    static byte[] stimulus(long elapsedMs, int step, int ops, long kinds, int cgroups, int workers, long iters) {
        byte[] p = new byte[24];
        ShmLayout.putU32(p, 0, (int) elapsedMs);
        p[4] = (byte) step;
        p[5] = (byte) (step >>> 8);
        p[6] = (byte) ops;
        p[7] = (byte) (ops >>> 8);
        ShmLayout.putU32(p, 8, (int) kinds);
        p[12] = (byte) cgroups;
        p[13] = (byte) (cgroups >>> 8);
        p[14] = (byte) workers;
        p[15] = (byte) (workers >>> 8);
        ShmLayout.putU32(p, 16, (int) iters);
        ShmLayout.putU32(p, 20, (int) (iters >>> 32));
        return p;
    }

    static byte[] i32(int v) {
        byte[] p = new byte[4];
        ShmLayout.putU32(p, 0, v);
        return p;
    }
}
