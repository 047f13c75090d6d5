package io.ktstr4j.regressions;

import io.ktstr4j.schemas.json.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The schemas codec as a Kafka serde, for what the watch keeps to itself: the repartition topics and the state
 * stores. A value that does not read back is a {@link SerializationException} naming the topic and the problem.
 */
final class JsonSerde<T> implements Serde<T> {
    private final Class<T> type;

    JsonSerde(Class<T> type) {
        this.type = type;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : Json.writeBytes(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return Json.read(bytes, type, topic);
            } catch (RuntimeException e) {
                throw new SerializationException(type.getSimpleName() + " from " + topic + ": " + e.getMessage(), e);
            }
        };
    }
}
