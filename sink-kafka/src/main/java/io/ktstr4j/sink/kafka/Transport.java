package io.ktstr4j.sink.kafka;

import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.util.function.Consumer;

/**
 * The edge between the publisher's state machine ({@link Publication}) and a Kafka cluster. Neither method blocks the
 * caller: the answers come back through callbacks, on the transport's threads. {@link KafkaTransport} is the real one;
 * tests of the state machine use a double that acknowledges, fails or holds records as the test says.
 */
public interface Transport extends AutoCloseable {
    /** Called exactly once per sent record: {@code error} is null when the broker acknowledged it. */
    interface Callback {
        void done(Throwable error);
    }

    /** Hands a record over for sending; {@code cb} runs exactly once, on another thread or (for a refusal) inline. */
    void send(OutRecord record, Callback cb);

    /** Asks whether the cluster answers; {@code answer} gets true or false once, within the probe timeout. */
    void probe(Consumer<Boolean> answer);

    /** Stops sending; records not yet acknowledged get their callback with an error (or are simply dropped). */
    @Override
    void close();
}
