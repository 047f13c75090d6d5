package io.ktstr4j.vmm;

/** A VM configuration that cannot run: the message names the bad field or file and what to do about it. */
public class VmConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VmConfigException(String message) {
        super(message);
    }

    public VmConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
