package io.ktstr4j.regressions;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * A record of the results topic that is not ktstr4j's (not JSON, another schema, a newer major version) is skipped and
 * counted with its topic, partition and offset, and the watch goes on: one bad producer must not stop the analysis of
 * everyone's results. Kafka Streams creates it from the configuration; the counter arrives under {@link #SKIPPED}.
 */
public final class SkippingDeserializationHandler implements DeserializationExceptionHandler {
    /** The configuration key under which {@link RegressionWatch} hands over its {@link SkippedRecords}. */
    public static final String SKIPPED = "ktstr4j.watch.skipped-records";

    private SkippedRecords skipped;

    @Override
    public void configure(Map<String, ?> configs) {
        Object s = configs.get(SKIPPED);
        skipped = s instanceof SkippedRecords r ? r : new SkippedRecords("stats watch");
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        skipped.skip(ResultRecords.source(context.topic(), context.partition(), context.offset()),
                exception.getMessage());
        return Response.resume();
    }
}
