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

    /** RunEvent is a final record: a writer bound to it finds its serializer once. */
    private static final com.fasterxml.jackson.databind.ObjectWriter WRITER = Json.writerFor(RunEvent.class);

    private EventCodec() {
    }

    public static EncodedEvent encode(RunEvent e) {
        return new EncodedEvent(e.body().getClass(), e.runId(), e.variantKey(), e.ownId(), e.seq(),
                json(e), EventRouter.bodyKey(e.body()));
    }

    /**
     * Per thread (in the sink: the dispatcher), a grow-only buffer the generator writes into: one exact-size copy per
     * event, where {@code writeValueAsBytes} allocated, filled and copied a chain of segments (a third of the
     * encoder's time on 11 KB monitor samples).
     */
    private static final ThreadLocal<Out> OUT = ThreadLocal.withInitial(Out::new);

    private static byte[] json(RunEvent e) {
        Out o = OUT.get();
        o.n = 0;
        try {
            WRITER.writeValue(o, e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
            throw new IllegalStateException("cannot serialise " + e.body().getClass().getName() + ": "
                    + x.getOriginalMessage(), x);
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x); // not from memory
        }
        byte[] json = java.util.Arrays.copyOf(o.buf, o.n);
        if (o.buf.length > (1 << 20)) {
            o.buf = new byte[16 << 10]; // one huge event does not pin its buffer to the thread
        }
        return json;
    }

    private static final class Out extends java.io.OutputStream {
        byte[] buf = new byte[16 << 10];
        int n;

        @Override
        public void write(int b) {
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (n + len > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, n + len));
            }
            System.arraycopy(b, off, buf, n, len);
            n += len;
        }
    }

    public static RunEvent decode(byte[] json, String source) {
        return Json.read(json, RunEvent.class, source);
    }

    public static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }
}
