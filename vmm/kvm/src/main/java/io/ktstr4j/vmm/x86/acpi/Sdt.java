package io.ktstr4j.vmm.x86.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A System Description Table under construction: the 36-byte standard header followed by a little-endian body.
 * {@link #bytes()} fills in the length and the checksum (all bytes sum to zero mod 256).
 */
public final class Sdt {
    public static final int HEADER = 36;
    public static final String OEM_ID = "KTSTR4";
    public static final String OEM_TABLE_ID = "KTSTR4JV";

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final String signature;
    private final int revision;

    public Sdt(String signature, int revision) {
        if (signature.length() != 4) {
            throw new IllegalArgumentException("ACPI signature must be 4 characters: " + signature);
        }
        this.signature = signature;
        this.revision = revision;
    }

    public Sdt u8(int v) {
        body.write(v & 0xff);
        return this;
    }

    public Sdt u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    public Sdt u32(long v) {
        return u16((int) v).u16((int) (v >>> 16));
    }

    public Sdt u64(long v) {
        return u32(v).u32(v >>> 32);
    }

    public Sdt zeros(int n) {
        for (int i = 0; i < n; i++) {
            body.write(0);
        }
        return this;
    }

    public Sdt raw(byte[] b) {
        body.writeBytes(b);
        return this;
    }

    public int bodySize() {
        return body.size();
    }

    public byte[] bytes() {
        byte[] b = body.toByteArray();
        byte[] t = new byte[HEADER + b.length];
        ascii(t, 0, signature, 4);
        putU32(t, 4, t.length);
        t[8] = (byte) revision;
        ascii(t, 10, OEM_ID, 6);
        ascii(t, 16, OEM_TABLE_ID, 8);
        putU32(t, 24, 1);
        ascii(t, 28, "KT4J", 4);
        putU32(t, 32, 1);
        System.arraycopy(b, 0, t, HEADER, b.length);
        t[9] = checksum(t, 0, t.length);
        return t;
    }

    static void ascii(byte[] t, int off, String s, int len) {
        byte[] a = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) {
            t[off + i] = i < a.length ? a[i] : (byte) ' ';
        }
    }

    static void putU32(byte[] t, int off, long v) {
        for (int i = 0; i < 4; i++) {
            t[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static void putU64(byte[] t, int off, long v) {
        putU32(t, off, v);
        putU32(t, off + 4, v >>> 32);
    }

    /** The byte that makes [off, off+len) sum to zero, assuming the checksum byte itself is currently zero. */
    public static byte checksum(byte[] t, int off, int len) {
        int sum = 0;
        for (int i = off; i < off + len; i++) {
            sum += t[i];
        }
        return (byte) -sum;
    }

    public static int sum(byte[] t, int off, int len) {
        int sum = 0;
        for (int i = off; i < off + len; i++) {
            sum += t[i] & 0xff;
        }
        return sum & 0xff;
    }
}
