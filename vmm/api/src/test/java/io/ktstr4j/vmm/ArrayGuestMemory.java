package io.ktstr4j.vmm;


/**
 * Guest "RAM" in a heap byte array starting at guest-physical {@code base} (0 unless given): synthetic guest memory
 * for tests and benchmarks of the monitor and the guest channel (no VM needed). Bounds-checked like real guest memory.
 */
public final class ArrayGuestMemory implements GuestMemory {

    private final long base;
    private final byte[] ram;

    public ArrayGuestMemory(int bytes) {
        this(0, bytes);
    }

    public ArrayGuestMemory(long base, int bytes) {
        this.base = base;
        this.ram = new byte[bytes];
    }

    /** The backing array itself (index 0 is {@code base}), for tests that corrupt or clear memory directly. */
    public byte[] bytes() {
        return ram;
    }

    @Override
    public long size() {
        return ram.length;
    }

    @Override
    public boolean contains(long gpa, long len) {
        return gpa >= base && len >= 0 && gpa - base + len <= ram.length && gpa + len >= gpa;
    }

    private void check(long gpa, int len) {
        if (!contains(gpa, len)) {
            throw new GuestMemoryException(String.format("guest-physical 0x%x+%d is outside the %d-byte image",
                    gpa, len, ram.length));
        }
    }

    @Override
    public void read(long gpa, byte[] dst, int off, int len) {
        check(gpa, len);
        System.arraycopy(ram, (int) (gpa - base), dst, off, len);
    }

    @Override
    public void write(long gpa, byte[] src, int off, int len) {
        check(gpa, len);
        System.arraycopy(src, off, ram, (int) (gpa - base), len);
    }

    @Override
    public long readU64(long gpa) {
        check(gpa, 8);
        int i = (int) (gpa - base);
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = v << 8 | (ram[i + k] & 0xff);
        }
        return v;
    }

    @Override
    public void writeU64(long gpa, long v) {
        check(gpa, 8);
        for (int k = 0; k < 8; k++) {
            ram[(int) (gpa - base) + k] = (byte) (v >>> (8 * k));
        }
    }

    public void writeU32(long gpa, int v) {
        check(gpa, 4);
        for (int k = 0; k < 4; k++) {
            ram[(int) (gpa - base) + k] = (byte) (v >>> (8 * k));
        }
    }
}
