package io.ktstr4j.vmm;

/** A guest-physical access outside guest RAM. Guest memory is untrusted input: callers count and report these. */
public class GuestMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestMemoryException(String message) {
        super(message);
    }
}
