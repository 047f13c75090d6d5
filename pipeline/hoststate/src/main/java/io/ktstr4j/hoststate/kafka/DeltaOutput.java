package io.ktstr4j.hoststate.kafka;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.EventCodec;
import io.ktstr4j.sink.kafka.EventRouter;
import io.ktstr4j.sink.kafka.RecordEncoder;
import io.ktstr4j.sink.kafka.RunPublisher;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The diff consumer's events as Kafka records, exactly as the publisher makes them (sink-kafka's
 * {@link RecordEncoder}: NDJSON value, ktstr4j headers, the key {@link EventRouter} gives a delta: its host), so
 * {@code kafka tail} and every other reader of ktstr4j topics read them unchanged.
 */
final class DeltaOutput {
    private final RecordEncoder encoder;
    private final String topic;

    DeltaOutput(TopicLayout layout) {
        this.encoder = new RecordEncoder(new EventRouter(layout), 1, RunPublisher.TARGET_RECORD_BYTES,
                RunPublisher.MAX_PART_BYTES, EventCodec.SCHEMA_VERSION);
        this.topic = layout.name(TopicLayout.HOSTSTATE);
    }

    void forward(ProcessorContext<byte[], byte[]> ctx, RunEvent event, long timestamp) {
        for (OutRecord o : encoder.encode(List.of(EventCodec.encode(event)))) {
            if (!o.topic().equals(topic)) {
                throw new IllegalStateException(o.topic() + ": a host-state delta routed away from " + topic);
            }
            RecordHeaders h = new RecordHeaders();
            o.headers().forEach(x -> h.add(x.name(), x.value()));
            ctx.forward(new Record<>(o.key(), o.value(), timestamp, h));
        }
    }
}
