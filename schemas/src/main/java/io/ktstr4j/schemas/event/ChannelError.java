package io.ktstr4j.schemas.event;

/**
 * The guest channel misbehaved.
 *
 * @param kind   e.g. {@code crc_mismatch}, {@code ring_drops}, {@code bad_length}, {@code unknown_type}
 * @param detail what was seen
 * @param count  how many (e.g. the ring's drop counter)
 */
public record ChannelError(String kind, String detail, long count) implements GuestMessage {
    public ChannelError {
        io.ktstr4j.schemas.Validate.nonBlank("kind", kind);
    }
}
