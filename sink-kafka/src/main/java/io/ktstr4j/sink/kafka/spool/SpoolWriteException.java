package io.ktstr4j.sink.kafka.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * An append to the spool failed (a full disk, an I/O error): the record is not in the spool. The message names the
 * segment and the cause (e.g. "No space left on device"); {@link #reason()} is the cause alone, for a failure count.
 */
public final class SpoolWriteException extends UncheckedIOException {
    private final transient Path segment;
    private final boolean segmentDamaged;

    SpoolWriteException(String message, Path segment, boolean segmentDamaged, IOException cause) {
        super(message, cause);
        this.segment = segment;
        this.segmentDamaged = segmentDamaged;
    }

    /** The segment the record was being appended to (null when no segment could be created). */
    public Path segment() {
        return segment;
    }

    /**
     * True when the segment could not be cut back to its last complete entry: it was closed, is listed in
     * {@link SpoolWriter#damagedSegments()}, and the next append starts a new segment.
     */
    public boolean segmentDamaged() {
        return segmentDamaged;
    }

    /** The cause's message, e.g. "No space left on device". */
    public String reason() {
        String m = getCause().getMessage();
        return m != null ? m : getCause().getClass().getSimpleName();
    }
}
