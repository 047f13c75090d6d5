package io.ktstr4j.vmm.channel;

import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.GuestMemoryException;

/** Guest memory backed by a byte array starting at guest-physical {@code base}, for channel tests without a VM. */
final class ByteArrayGuestMemory implements GuestMemory {
    final long base;
    final byte[] bytes;

    ByteArrayGuestMemory(long base, int size) {
        this.base = base;
        this.bytes = new byte[size];
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public boolean contains(long gpa, long len) {
        return gpa >= base && len >= 0 && gpa - base + len <= bytes.length;
    }

    @Override
    public void read(long gpa, byte[] dst, int off, int len) {
        check(gpa, len);
        System.arraycopy(bytes, (int) (gpa - base), dst, off, len);
    }

    @Override
    public void write(long gpa, byte[] src, int off, int len) {
        check(gpa, len);
        System.arraycopy(src, off, bytes, (int) (gpa - base), len);
    }

    private void check(long gpa, long len) {
        if (!contains(gpa, len)) {
            throw new GuestMemoryException("gpa 0x" + Long.toHexString(gpa) + "+" + len + " outside test memory");
        }
    }
}
