package io.ktstr4j.sink.kafka.spool;

import java.util.List;
import java.util.Objects;

/**
 * One Kafka record as ktstr4j produces it: already routed, keyed, encoded (possibly a batch of events, possibly one
 * part of a split event). The same value is sent live and written to the spool, so a replay is byte-identical.
 *
 * @param topic      destination topic
 * @param key        record key (UTF-8 of the run/variant key); never null
 * @param headers    record headers in order
 * @param value      record value bytes
 * @param eventCount how many events this record carries (0 for a non-final part of a split event)
 */
public record OutRecord(String topic, byte[] key, List<Header> headers, byte[] value, int eventCount) {

    /** One record header; the value is raw bytes (UTF-8 text for all headers ktstr4j writes). */
    public record Header(String name, byte[] value) {
        public Header {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "header value");
        }

        public static Header of(String name, String value) {
            return new Header(name, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public String text() {
            return new String(value, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public OutRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        headers = List.copyOf(headers);
    }

    /** The text of the first header with this name, or null. */
    public String header(String name) {
        for (Header h : headers) {
            if (h.name().equals(name)) {
                return h.text();
            }
        }
        return null;
    }

    public String keyText() {
        return new String(key, java.nio.charset.StandardCharsets.UTF_8);
    }
}
