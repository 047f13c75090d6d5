package io.ktstr4j.vmm;


/**
 * Guest "RAM" in a heap byte array starting at guest-physical 0: synthetic guest memory images for tests and
 * benchmarks of the monitor (no VM needed). Bounds-checked like real guest memory.
 */
public final class ArrayGuestMemory implements GuestMemory {

    private final byte[] ram;

    public ArrayGuestMemory(int bytes) {
        this.ram = new byte[bytes];
    }

    @Override
    public long size() {
        return ram.length;
    }

    @Override
    public boolean contains(long gpa, long len) {
        return gpa >= 0 && len >= 0 && gpa + len <= ram.length && gpa + len >= gpa;
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
        System.arraycopy(ram, (int) gpa, dst, off, len);
    }

    @Override
    public void write(long gpa, byte[] src, int off, int len) {
        check(gpa, len);
        System.arraycopy(src, off, ram, (int) gpa, len);
    }

    @Override
    public long readU64(long gpa) {
        check(gpa, 8);
        int i = (int) gpa;
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
            ram[(int) gpa + k] = (byte) (v >>> (8 * k));
        }
    }

    public void writeU32(long gpa, int v) {
        check(gpa, 4);
        for (int k = 0; k < 4; k++) {
            ram[(int) gpa + k] = (byte) (v >>> (8 * k));
        }
    }
}
