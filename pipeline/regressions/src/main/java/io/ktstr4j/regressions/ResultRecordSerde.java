package io.ktstr4j.regressions;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Reads a results record in the source node ({@link ResultRecords#read}), so that a record that is not ktstr4j's
 * fails there and goes to the deserialization exception handler ({@link SkippingDeserializationHandler}), which
 * names its offset. Never written: the watch does not produce results.
 */
final class ResultRecordSerde implements Serde<ResultRecord> {

    @Override
    public Serializer<ResultRecord> serializer() {
        return (topic, value) -> {
            throw new UnsupportedOperationException("the watch reads results, it does not write them");
        };
    }

    @Override
    public Deserializer<ResultRecord> deserializer() {
        return new Deserializer<>() {
            @Override
            public ResultRecord deserialize(String topic, byte[] data) {
                return ResultRecords.read(topic, name -> null, data);
            }

            @Override
            public ResultRecord deserialize(String topic, Headers headers, byte[] data) {
                return ResultRecords.read(topic, ResultRecords.headers(headers), data);
            }
        };
    }
}
