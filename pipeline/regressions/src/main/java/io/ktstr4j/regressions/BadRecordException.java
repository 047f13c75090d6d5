package io.ktstr4j.regressions;

/** A record of the results topic that is not ktstr4j's, or not readable by this version: skipped and counted. */
public final class BadRecordException extends RuntimeException {

    public BadRecordException(String message) {
        super(message);
    }

    public BadRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
