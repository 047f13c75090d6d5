package io.ktstr4j.pipeline.kernel;

/**
 * A kernel that cannot be found, cached, imported or built, with a message that names the file, key or option at
 * fault and what to do about it. The CLI prints the message as it is.
 */
public class KernelException extends RuntimeException {

    public KernelException(String message) {
        super(message);
    }

    public KernelException(String message, Throwable cause) {
        super(message, cause);
    }
}
