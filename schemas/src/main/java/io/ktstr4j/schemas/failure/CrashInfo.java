package io.ktstr4j.schemas.failure;

/** A guest panic (CRSH message): the message and the backtrace lines. */
public record CrashInfo(String message, java.util.List<String> backtrace) {
    public CrashInfo {
        backtrace = io.ktstr4j.schemas.Validate.list("backtrace", backtrace);
    }
}
