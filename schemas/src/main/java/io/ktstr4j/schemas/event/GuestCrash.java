package io.ktstr4j.schemas.event;

/** A guest panic: message and backtrace (CRSH message). */
public record GuestCrash(String message) implements GuestMessage {
    public GuestCrash {
        message = message == null ? "" : message;
    }
}
