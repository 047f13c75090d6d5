package io.ktstr4j.pipeline;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run ids like ktstr's, {@code {YYYYMMDDTHHMMSSZ}-{process tag}-{counter}}: process start stamp, a random tag, and a
 * per-process counter. The tag keeps ids unique when several workers start in the same second and publish to the
 * same topics (consumers drop events whose ids they have seen).
 */
public final class RunIds {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String PROCESS_STAMP = STAMP.format(Instant.now());
    private static final String PROCESS_TAG = String.format("%06x",
            new java.security.SecureRandom().nextInt(1 << 24));
    private static final AtomicLong COUNTER = new AtomicLong();

    private RunIds() {
    }

    public static String next() {
        return PROCESS_STAMP + "-" + PROCESS_TAG + "-" + COUNTER.getAndIncrement();
    }
}
