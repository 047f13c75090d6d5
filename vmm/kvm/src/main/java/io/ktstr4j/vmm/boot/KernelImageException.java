package io.ktstr4j.vmm.boot;

/** A kernel image that cannot be booted; the message names the file and what is wrong with it. */
public class KernelImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KernelImageException(String message) {
        super(message);
    }
}
