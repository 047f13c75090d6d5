package io.ktstr4j.vmm;

/** The guest-physical range of the SHM ring, reserved at the top of guest RAM and hidden from the guest's E820. */
public record ShmRegion(long guestPhysBase, long size) {
    public ShmRegion {
        if (size < 0 || guestPhysBase < 0) {
            throw new IllegalArgumentException("shm region: negative base or size");
        }
    }
}
