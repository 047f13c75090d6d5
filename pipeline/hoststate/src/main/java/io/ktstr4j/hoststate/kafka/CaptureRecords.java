package io.ktstr4j.hoststate.kafka;

import io.ktstr4j.schemas.SchemaException;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.EventCodec;
import io.ktstr4j.sink.kafka.KtstrHeaders;
import io.ktstr4j.sink.kafka.RecordDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads records of the hoststate topic back into captures: NDJSON run events, maybe zstd-compressed, maybe one part of
 * a value split across records (a capture of a big host is megabytes); only {@code host.state} bodies are kept (the
 * diff consumer's own {@code host.state_delta} events share the topic). One instance per consumer or stream task: it
 * holds the parts of split values. Not thread-safe.
 */
public final class CaptureRecords {
    private final RecordDecoder parts = new RecordDecoder();
    private long unreadable;

    /** The captures in one record (empty while a split value is incomplete, or for other event types). */
    public List<HostStateSnapshot> captures(String topic, int partition, long offset, Function<String, String> header,
                                            byte[] value) {
        String source = topic + "-" + partition + "@" + offset;
        if (value == null) {
            unreadable++;
            return List.of();
        }
        String type = header.apply(KtstrHeaders.EVENT_TYPE);
        if (header.apply(KtstrHeaders.PART) == null && type != null && !type.equals("host.state")
                && !type.equals("mixed")) {
            return List.of();
        }
        List<byte[]> lines;
        try {
            lines = parts.decode(topic, partition, header, value);
        } catch (RuntimeException e) {
            unreadable++;
            return List.of();
        }
        List<HostStateSnapshot> out = new ArrayList<>();
        for (byte[] line : lines) {
            try {
                RunEvent e = EventCodec.decode(line, source);
                if (e.body() instanceof HostStateSnapshot s) {
                    out.add(s);
                }
            } catch (SchemaException | IllegalArgumentException e) {
                unreadable++;
            }
        }
        return out;
    }

    /** Records or events that could not be read (a foreign producer, a newer major version, a broken split value). */
    public long unreadable() {
        return unreadable + parts.broken();
    }
}
