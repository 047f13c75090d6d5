package io.ktstr4j.hoststate;

/** A file that is not a readable host-state capture; the message names the file and what is wrong (exit 2). */
public final class CaptureFileException extends IllegalArgumentException {
    public CaptureFileException(String message) {
        super(message);
    }

    public CaptureFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
