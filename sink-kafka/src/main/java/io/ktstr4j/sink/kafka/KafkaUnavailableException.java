package io.ktstr4j.sink.kafka;

/** Kafka could not be reached or used; the message names the address and what to do. */
public class KafkaUnavailableException extends RuntimeException {
    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
