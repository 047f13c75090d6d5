package io.ktstr4j.vmm.monitor;

import io.ktstr4j.vmm.GuestMemoryException;

/** A guest-virtual address that does not translate (not present, outside RAM, or not a kernel address). */
public class GuestAddressException extends GuestMemoryException {
    private static final long serialVersionUID = 1L;

    public GuestAddressException(String message) {
        super(message);
    }
}
