package io.ktstr4j.vmm;

/**
 * Host access to guest-physical memory. Reads out of range throw {@link GuestMemoryException}; they never
 * crash the host. Values are little-endian (x86_64).
 */
public interface GuestMemory {

    /** Bytes of guest RAM (not counting holes). */
    long size();

    /** True when [gpa, gpa+len) is backed by guest RAM. */
    boolean contains(long gpa, long len);

    void read(long gpa, byte[] dst, int off, int len);

    void write(long gpa, byte[] src, int off, int len);

    default byte readU8(long gpa) {
        byte[] b = new byte[1];
        read(gpa, b, 0, 1);
        return b[0];
    }

    default int readU32(long gpa) {
        byte[] b = new byte[4];
        read(gpa, b, 0, 4);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    default long readU64(long gpa) {
        return (readU32(gpa) & 0xffffffffL) | ((long) readU32(gpa + 4)) << 32;
    }

    default void writeU8(long gpa, byte v) {
        write(gpa, new byte[] {v}, 0, 1);
    }

    default void writeU64(long gpa, long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        write(gpa, b, 0, 8);
    }
}
