package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.Versioned;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.json.Json;

import java.nio.charset.StandardCharsets;

/** RunEvent ⇄ JSON with the schemas module's codec, plus the routing facts the encoder needs. */
public final class EventCodec {
    /** {@code <major>.<minor>} of the RunEvent schema, for the schema_version header. */
    public static final String SCHEMA_VERSION;

    static {
        Versioned v = RunEvent.class.getAnnotation(Versioned.class);
        SCHEMA_VERSION = v == null ? "1.0" : v.major() + "." + v.minor();
    }

    private EventCodec() {
    }

    public static EncodedEvent encode(RunEvent e) {
        return new EncodedEvent(e.body().getClass(), e.runId(), e.variantKey(), e.ownId(), e.seq(),
                Json.writeBytes(e));
    }

    public static RunEvent decode(byte[] json, String source) {
        return Json.read(json, RunEvent.class, source);
    }

    public static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }
}
