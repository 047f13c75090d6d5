package io.ktstr4j.vmm.monitor;

/**
 * The guest kernel cannot be found in guest RAM yet (still decompressing, or the System.map/vmlinux does not match
 * the booted kernel). The monitor retries on its next tick.
 */
public class KernelNotReadyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KernelNotReadyException(String message) {
        super(message);
    }
}
