package io.ktstr4j.regressions;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.EncodedEvent;
import io.ktstr4j.sink.kafka.EventCodec;
import io.ktstr4j.sink.kafka.EventRouter;
import io.ktstr4j.sink.kafka.RecordEncoder;
import io.ktstr4j.sink.kafka.RunPublisher;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The watch's events as Kafka records, exactly as the publisher makes records (sink-kafka's {@link RecordEncoder}:
 * NDJSON value, ktstr4j headers, the key {@link EventRouter} gives an analysis result, its variant), so
 * {@code kafka tail} and every other reader of ktstr4j topics read them unchanged.
 */
final class AnalysisOutput {
    private final RecordEncoder encoder;
    private final String topic;

    AnalysisOutput(TopicLayout layout, int maxEventsPerRecord) {
        this.encoder = new RecordEncoder(new EventRouter(layout), maxEventsPerRecord, RunPublisher.TARGET_RECORD_BYTES,
                RunPublisher.MAX_PART_BYTES, EventCodec.SCHEMA_VERSION);
        this.topic = layout.name(TopicLayout.REGRESSIONS);
    }

    /** Forwards the events of one input record (one key: they stay in order, in as few records as fit). */
    void forward(ProcessorContext<byte[], byte[]> ctx, List<RunEvent> events, long timestamp) {
        List<EncodedEvent> encoded = new ArrayList<>(events.size());
        for (RunEvent e : events) {
            encoded.add(EventCodec.encode(e));
        }
        for (OutRecord o : encoder.encode(encoded)) {
            if (!o.topic().equals(topic)) {
                throw new IllegalStateException(o.topic() + ": an analysis event routed away from " + topic);
            }
            RecordHeaders h = new RecordHeaders();
            o.headers().forEach(x -> h.add(x.name(), x.value()));
            ctx.forward(new Record<>(o.key(), o.value(), timestamp, h));
        }
    }
}
